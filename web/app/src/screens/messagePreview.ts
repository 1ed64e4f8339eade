import type { TFunction } from "i18next";
import type { Message } from "../api/client";

/** One line for the chat list: the text, or what kind of card it is. */
export function messagePreview(message: Message, t: TFunction): string {
  if (message.recalled)
    return t("chat.recalledNotice", { name: message.sender?.display_name ?? "" });
  switch (message.type) {
    case "text":
    case "system":
      return message.text;
    case "red_packet":
      return t("cards.redPacket");
    case "product":
      return t("cards.product");
    case "miniprogram":
      return t("cards.miniprogram");
    case "official_account":
      return t("cards.officialAccount");
    case "image":
      return t("chatMedia.previewPhoto");
    case "voice":
      return t("chatMedia.previewVoice");
    case "video":
      return t("chatMedia.previewVideo");
    case "file":
      return t("chatMedia.previewFile");
    default:
      return t("cards.other");
  }
}
