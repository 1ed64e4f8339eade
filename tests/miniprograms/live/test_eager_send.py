"""The room's frame sends start eagerly: a send that needs no wait costs no Task, one that
must wait for the socket goes on in a Task and finishes once the socket drains."""

import asyncio

import pytest

from miniprograms.live.consumers import start_eagerly

pytestmark = pytest.mark.asyncio


async def test_a_send_that_needs_no_wait_is_done_before_start_eagerly_returns():
    sent = []

    async def send():
        sent.append("frame")

    assert start_eagerly(send()) is None
    assert sent == ["frame"]


async def test_a_send_that_must_wait_goes_on_in_a_task_until_the_socket_drains():
    writable = asyncio.Event()
    sent = []

    async def send():
        await writable.wait()
        sent.append("frame")

    pending = start_eagerly(send())
    assert isinstance(pending, asyncio.Future)
    assert not pending.done() and sent == []
    writable.set()
    await pending
    assert sent == ["frame"]


async def test_every_wait_of_the_send_is_waited_for_in_turn():
    first, second = asyncio.get_running_loop().create_future(), asyncio.Event()
    steps = []

    async def send():
        steps.append(await first)
        await asyncio.sleep(0)  # a bare yield
        await second.wait()
        steps.append("written")

    pending = start_eagerly(send())
    first.set_result("drained")
    second.set()
    await pending
    assert steps == ["drained", "written"]


async def test_an_error_after_the_wait_ends_the_task_with_it():
    writable = asyncio.Event()

    async def send():
        await writable.wait()
        raise ConnectionResetError("the viewer went away")

    pending = start_eagerly(send())
    writable.set()
    with pytest.raises(ConnectionResetError):
        await pending
