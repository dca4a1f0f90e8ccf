"""The kefu-trainer reply scorer: pure functions over strings and dicts.

>>> from scoring import score_reply
>>> score_reply("非常抱歉给您添麻烦了,麻烦发一下照片,我们今天给您补发。").criteria["apology"]
True
"""

from scoring.conversation import score_conversation
from scoring.engine import score_reply
from scoring.model import ConversationResult, Finding, RemedyOffer, ReplyResult, Turn
from scoring.rubric import Rubric, RubricError, default_rubric, parse_rubric

__all__ = [
    "ConversationResult",
    "Finding",
    "RemedyOffer",
    "ReplyResult",
    "Rubric",
    "RubricError",
    "Turn",
    "default_rubric",
    "parse_rubric",
    "score_conversation",
    "score_reply",
]
