"""An email backend for the console that a person can read: the headers, decoded, then the plain-text body as
UTF-8 text, so a link can be copied from the terminal and opened as it is.

Django's console backend prints the raw MIME message: quoted-printable soft line breaks (`=` at the end of a line)
cut long links, `=3D` stands for `=` in their query strings, and French text may be base64. settings uses this
backend for EMAIL_URL=consolemail:// (the default).
"""

from django.core.mail.backends.console import EmailBackend as DjangoConsoleBackend

# MIME plumbing, not something a reader needs.
SKIPPED_HEADERS = {"content-type", "content-transfer-encoding", "mime-version"}
RULE = "-" * 79


class EmailBackend(DjangoConsoleBackend):
    def write_message(self, message) -> None:
        msg = message.message()
        lines = [f"{name}: {value}" for name, value in msg.items() if name.lower() not in SKIPPED_HEADERS]
        body = msg.get_body(preferencelist=("plain",))
        html = msg.get_body(preferencelist=("html",))
        attachments = [part.get_filename() or part.get_content_type() for part in msg.iter_attachments()]
        if html is not None and body is not None and html is not body:
            lines.append("(also sent as HTML, not shown here)")
        if attachments:
            lines.append("Attachments: " + ", ".join(attachments))
        lines.append("")
        if body is None:
            body = html
        lines.append(body.get_content().rstrip("\n") if body is not None else "")
        self.stream.write("\n".join(lines) + "\n" + RULE + "\n")
