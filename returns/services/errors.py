"""The one error of the returns capability."""


class ReturnError(ValueError):
    """A return step that cannot be done as asked; the message is meant for the person who asked. Nothing changed."""
