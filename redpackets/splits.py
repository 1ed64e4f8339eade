"""How a red packet's total is divided into shares (docs/payments.md, "Red packets").

Lucky packets use a *uniformly random composition*: of all the ways to write ``total`` as an
ordered sum of ``count`` positive integers, one is drawn with equal probability. It is built
by cutting the interval ``0..total`` at ``count - 1`` distinct points drawn without replacement
from ``1..total-1``; the gaps between consecutive cuts are the shares. Cut sets and
compositions are in one-to-one correspondence, so every composition is equally likely, and
the shares are exchangeable: whoever claims first, last or in between has exactly the same
distribution of amounts (mean ``total / count``). Every share is at least one minor unit
because the cuts are distinct.
"""

import random
from itertools import pairwise

_system_random = random.SystemRandom()


def lucky_split(total: int, count: int, rng: random.Random = _system_random) -> list[int]:
    """``count`` random positive shares summing to ``total`` (needs ``total >= count``)."""
    if count < 1 or total < count:
        raise ValueError("a lucky split needs at least one minor unit per share")
    cuts = sorted(rng.sample(range(1, total), count - 1))
    bounds = [0, *cuts, total]
    return [high - low for low, high in pairwise(bounds)]


def fixed_split(amount_each: int, count: int) -> list[int]:
    return [amount_each] * count
