"""The bytes we write for an email read, to a mail reader, as the email Flask-Mail's Message made."""

import email
import email.policy

import pytest
from flask_mail import BadHeaderError, Message

from matcher.mail.mime import email_bytes, sender_of

SENDER = "IR Opportunity Matcher <no-reply@matcher.test>"
LONG_LINE = "word " * 400  # 2,000 characters on one line: more than SMTP's 998
TEXT = "Hello Zoë,\n\n.a line starting with a dot\nFrom the start of a line\n\nhttp://matcher.test/x\n"
HTML = '<p>Hello <strong>Zoë</strong> &amp; co,</p>\n<p><a href="http://matcher.test/x">Open</a></p>'

CASES = {
    "plain ASCII": ("Amina Mushi", "amina@example.org", "Confirm your email address", TEXT, HTML, None),
    "no name": ("", "amina@example.org", "Confirm your email address", "Hi\n", "<p>Hi</p>", None),
    "quoted name": (
        'Zoë "Z" Ngata, MD',
        "zoe@example.org",
        "You are offered a place: Elective",
        TEXT,
        HTML,
        None,
    ),
    "angle brackets": ("Ann <admin@evil.example>", "ann@example.org", "Hello", TEXT, HTML, None),
    "long subject": (
        "Grace",
        "grace@example.org",
        "3 matches for your opportunities: Interventional radiology elective at Muhimbili National "
        "Hospital, Dar es Salaam, and two more that start in March",
        TEXT,
        HTML,
        "http://matcher.test/unsubscribe/abc.def",
    ),
    "long non-ASCII subject and name": (
        ", ".join(["Ngozi Adébáyọ̀-Ọláńrewájú"] * 4),
        "ngozi@example.org",
        "Votre place à l'hôpital universitaire de São Paulo est confirmée — répondez avant le 3 mars " * 2,
        TEXT,
        HTML,
        "http://matcher.test/unsubscribe/abc.def",
    ),
    "international domain": ("Jürgen", "juergen@bücher.example", "Hallo", TEXT, HTML, None),
    "a line too long for SMTP": (
        "Amina",
        "amina@example.org",
        "Long",
        LONG_LINE + "\nend\n",
        LONG_LINE,
        None,
    ),
    "Windows line ends": ("Amina", "amina@example.org", "CRLF", "one\r\ntwo\rthree\n", "<p>x</p>\r\n", None),
}


def flask_mail_bytes(to_name, to_address, subject, text, html, unsubscribe):
    message = Message(
        subject=subject,
        recipients=[(to_name, to_address)],
        body=text,
        html=html,
        sender=SENDER,
    )
    message.msgId = "<1@matcher.test>"
    if unsubscribe:
        message.extra_headers = {
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    return message.as_bytes()


def our_bytes(to_name, to_address, subject, text, html, unsubscribe):
    return email_bytes(
        sender=sender_of(SENDER),
        to_name=to_name,
        to_address=to_address,
        subject=subject,
        message_id="<1@matcher.test>",
        text=text,
        html=html,
        unsubscribe_url=unsubscribe,
    )


def read(raw: bytes):
    return email.message_from_bytes(raw, policy=email.policy.default)


def what_a_reader_sees(raw: bytes) -> dict:
    message = read(raw)
    (to,) = message["To"].addresses
    (sender,) = message["From"].addresses
    return {
        "subject": str(message["Subject"]),
        "to": (to.display_name, to.addr_spec),
        "from": (sender.display_name, sender.addr_spec),
        "message_id": message["Message-ID"],
        "unsubscribe": message["List-Unsubscribe"],
        "unsubscribe_post": message["List-Unsubscribe-Post"],
        "text": message.get_body(preferencelist=("plain",)).get_content(),
        "html": message.get_body(preferencelist=("html",)).get_content(),
        "has_date": message["Date"] is not None,
    }


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_our_bytes_read_as_the_email_flask_mail_made(app, case):
    envelope, raw = our_bytes(*case)
    seen = what_a_reader_sees(raw)
    meant = dict(seen)
    before = what_a_reader_sees(flask_mail_bytes(*case))
    if not case[0].isascii() and len(case[0]) > 40:
        # Flask-Mail folds a long non-ASCII name into several encoded words, and Python's parser
        # reads a space between each two; we write one encoded word, read as written (below).
        del seen["to"], before["to"]
    assert seen == before
    # And as what we meant, so a shared mistake in both cannot pass unseen.
    to_name, to_address, subject, text, _, unsubscribe = case
    assert meant["subject"] == subject and meant["to"] == (
        to_name,
        to_address.replace("bücher", "xn--bcher-kva"),
    )
    assert meant["text"].replace("\r\n", "\n") == text.replace("\r\n", "\n").replace("\r", "\n")
    assert seen["unsubscribe"] == (f"<{unsubscribe}>" if unsubscribe else None)
    assert envelope.mail_from == "no-reply@matcher.test"
    assert envelope.rcpt_to == meant["to"][1] and envelope.rcpt_to.isascii()


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_every_line_ends_in_crlf_and_fits_smtp(case):
    _, raw = our_bytes(*case)
    assert raw.endswith(b"\r\n")
    lines = raw.split(b"\r\n")
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    assert max(len(line) for line in lines) <= 998
    header = raw.split(b"\r\n\r\n", 1)[0]
    assert header.isascii()
    assert max(len(line) for line in header.split(b"\r\n")) <= 998


def test_the_message_is_multipart_alternative_with_text_then_html():
    _, raw = our_bytes(*CASES["plain ASCII"])
    message = read(raw)
    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]
    assert message["MIME-Version"] == "1.0"


@pytest.mark.parametrize(
    "field, value",
    [
        ("to_name", "Eve\r\nBcc: everyone@example.org"),
        ("subject", "Hello\nBcc: everyone@example.org"),
        ("to_address", "a@example.org\rBcc: b@example.org"),
        ("unsubscribe", "http://x/\nBcc: b@example.org"),
    ],
)
def test_a_line_break_in_a_header_value_is_refused(field, value):
    fields = dict(
        zip(
            ["to_name", "to_address", "subject", "text", "html", "unsubscribe"],
            CASES["plain ASCII"],
            strict=True,
        )
    )
    fields[field] = value
    with pytest.raises(BadHeaderError):
        our_bytes(*fields.values())


def test_an_address_that_needs_smtputf8_cannot_be_sent():
    with pytest.raises(UnicodeError):
        our_bytes("Zoë", "zoë@example.org", "Hi", "x", "<p>x</p>", None)
