"""Every write to returns: the customer's request, staff's decision, receiving the goods, the refund."""

from .errors import ReturnError
from .refunds import return_refund
from .workflow import return_approve, return_receive, return_refuse, return_request

__all__ = ["ReturnError", "return_approve", "return_receive", "return_refund", "return_refuse", "return_request"]
