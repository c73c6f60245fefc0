"""Every message a clerk reads is Chinese first, then English: `zh_en("中文", "English")` renders "中文 / English".

The one rendering all of gongkai uses (other modules may write the same "中文 / English" text by hand). A
`Message` is that string, remembering its two halves, so that a refusal can join a rule and its advice into one
Chinese sentence and one English one. tests/unit/test_messages_chinese.py fails on a new English-only message.
"""

from __future__ import annotations

SEPARATOR = " / "


class Message(str):
    """A message rendered as "中文 / English", keeping its Chinese and English halves."""

    zh: str
    en: str

    def __new__(cls, zh: str, en: str) -> Message:
        made = super().__new__(cls, f"{zh}{SEPARATOR}{en}" if en else zh)
        made.zh, made.en = zh, en
        return made

    def __reduce__(self) -> tuple[type[Message], tuple[str, str]]:
        # pickled by the parallel reader's child process: rebuilt from its two halves
        return (Message, (self.zh, self.en))


def zh_en(zh: str, en: str) -> Message:
    """Return a message in the agreed rendering: the Chinese sentence, " / ", the English one."""
    return Message(zh, en)


def joined(first: str, second: str, zh_glue: str = "；", en_glue: str = "; ") -> str:
    """Join two messages into one, the Chinese halves together before the English ones when both are split."""
    if not second:
        return first
    if isinstance(first, Message) and isinstance(second, Message):
        return Message(f"{first.zh}{zh_glue}{second.zh}", f"{first.en}{en_glue}{second.en}")
    return f"{first}{en_glue}{second}"
