"""The error codes the redpackets app answers with, each spelled once (architecture.md)."""

OWN_RED_PACKET = "own_red_packet"
RED_PACKET_COUNT_EXCEEDED = "red_packet_count_exceeded"
RED_PACKET_EMPTY = "red_packet_empty"
RED_PACKET_EXPIRED = "red_packet_expired"
RED_PACKET_NOT_ALLOWED = "red_packet_not_allowed"
RED_PACKET_NOT_FOUND = "red_packet_not_found"
RED_PACKET_TOTAL_EXCEEDED = "red_packet_total_exceeded"
