"""Answering the member who spoke: in the DM, in their thread, or privately in a group."""

from __future__ import annotations

from bot.actions import Attachment, Button, PrivateNotice, PrivateVia, Result, Send
from bot.context import Context
from bot.events import ButtonPressed, ChatKind, Message


async def reply(
    ctx: Context,
    event: Message | ButtonPressed,
    text: str,
    *,
    buttons: tuple[Button, ...] = (),
    private: bool = False,
    attachment: Attachment | None = None,
) -> Result:
    """Reply where the member spoke. `private` in a group sends it to them alone."""
    chat = event.chat
    if chat.kind is ChatKind.DIRECT:
        return await ctx.act(Send(chat=chat, text=text, buttons=buttons, attachment=attachment))
    if private:
        return await ctx.act(
            PrivateNotice(
                user=event.user,
                text=text,
                context=chat,
                prefer=PrivateVia.EPHEMERAL,
                buttons=buttons,
                attachment=attachment,
            )
        )
    thread = event.thread_id
    if thread is None and isinstance(event, Message) and ctx.capabilities(chat.platform).threads:
        thread = event.message_id
    return await ctx.act(
        Send(
            chat=chat,
            text=text,
            buttons=buttons,
            thread_id=thread,
            reply_to=event.message_id if isinstance(event, Message) else None,
            attachment=attachment,
        )
    )
