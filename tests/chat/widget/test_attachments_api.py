"""``/api/widget/v1/attachments``: uploads checked for size, type and content; downloads
only for the visitor's own chats (and agents who may see the chat), always as files."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from rest_framework.test import APIClient

from chat.models import Attachment
from chat.services import messages
from tests.chat.conftest import make_agent

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def upload(token, name="shot.png", content=PNG, content_type="image/png"):
    return APIClient().post(
        "/api/widget/v1/attachments",
        {"visitor_token": token, "file": SimpleUploadedFile(name, content, content_type)},
        format="multipart",
    )


def download(attachment_id, *, token=None, client=None):
    client = client or APIClient()
    headers = {"HTTP_X_VISITOR_TOKEN": token} if token else {}
    return client.get(f"/api/widget/v1/attachments/{attachment_id}", **headers)


def test_upload_returns_the_attachment_to_reference_in_a_message(alice, start_session):
    session = start_session()
    response = upload(session.token, name="../../etc/screen\x07shot.png")
    assert response.status_code == 201
    body = response.json()
    assert body == {
        "id": body["id"],
        "url": f"/api/widget/v1/attachments/{body['id']}",
        "name": "screenshot.png",
        "size": len(PNG),
        "content_type": "image/png",
    }
    stored = Attachment.objects.get(pk=body["id"])
    assert stored.uploaded_by_visitor == session.visitor and stored.conversation is None
    assert "screen" not in stored.file.name and stored.file.name.endswith(".png")


@pytest.mark.parametrize(
    ("name", "content", "content_type", "code"),
    [
        ("page.html", b"<html><script>x</script>", "text/html", "attachment_type_not_allowed"),
        ("fake.png", b"<svg onload=alert(1)>", "image/png", "attachment_type_mismatch"),
        ("fake.pdf", PNG, "application/pdf", "attachment_type_mismatch"),
        ("binary.txt", b"abc\x00def", "text/plain", "attachment_type_mismatch"),
        ("empty.txt", b"", "text/plain", "attachment_empty"),
    ],
)
def test_upload_refuses_wrong_types_with_json(start_session, name, content, content_type, code):
    response = upload(start_session().token, name, content, content_type)
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert not Attachment.objects.exists()


def test_upload_refuses_files_over_the_widgets_limit(chat_widget, start_session):
    chat_widget.attachment_max_bytes = 100
    chat_widget.save()
    response = upload(start_session().token, content=PNG + b"\x00" * 100)
    assert response.status_code == 400
    assert response.json()["code"] == "attachment_too_large"


@override_settings(ATTACHMENT_MAX_BYTES=50)
def test_upload_refuses_files_over_the_sites_limit(start_session):
    response = upload(start_session().token)
    assert response.status_code == 400
    assert response.json()["code"] == "attachment_too_large"


def test_upload_needs_a_valid_token_and_a_file(start_session):
    assert upload("forged").status_code == 401
    response = APIClient().post(
        "/api/widget/v1/attachments", {"visitor_token": start_session().token}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "attachment_missing"
    no_token = APIClient().post(
        "/api/widget/v1/attachments",
        {"file": SimpleUploadedFile("a.png", PNG, "image/png")},
        format="multipart",
    )
    assert no_token.status_code == 400


def test_text_files_may_end_in_the_middle_of_a_character(start_session):
    # The sniff window (2,048 bytes) ends inside the last "é".
    content = ("é" * 1023 + "aé and more").encode()
    assert upload(start_session().token, "notes.txt", content, "text/plain").status_code == 201


def test_download_is_a_nosniff_attachment_for_the_owner_only(alice, start_session):
    owner, stranger = start_session(), start_session()
    attachment_id = upload(owner.token).json()["id"]
    messages.visitor_message_send(
        visitor=owner.visitor, client_id="c1", body="", attachment_ids=[attachment_id]
    )

    response = download(attachment_id, token=owner.token)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Disposition"] == 'attachment; filename="shot.png"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "image/png"
    assert "sandbox" in response["Content-Security-Policy"]

    refused = download(attachment_id, token=stranger.token)
    assert refused.status_code == 404
    assert refused.json()["code"] == "attachment_not_found"
    assert download(attachment_id).status_code == 404
    assert download(attachment_id, token="forged").status_code == 401
    assert download(999_999, token=owner.token).status_code == 404


def test_an_unsent_upload_is_readable_by_its_uploader_only(start_session):
    owner, stranger = start_session(), start_session()
    attachment_id = upload(owner.token).json()["id"]
    assert download(attachment_id, token=owner.token).status_code == 200
    assert download(attachment_id, token=stranger.token).status_code == 404


def test_agents_who_see_the_chat_may_download_its_files(support, alice, start_session):
    session = start_session()
    attachment_id = upload(session.token).json()["id"]
    messages.visitor_message_send(
        visitor=session.visitor, client_id="c1", body="see", attachment_ids=[attachment_id]
    )
    assignee = APIClient()
    assignee.force_authenticate(alice.user)
    assert download(attachment_id, client=assignee).status_code == 200

    other_team_agent = make_agent(
        type(support).objects.create(name="Sales", always_open=True), "carol"
    )
    outsider = APIClient()
    outsider.force_authenticate(other_team_agent.user)
    assert download(attachment_id, client=outsider).status_code == 404


def test_a_file_cannot_be_sent_in_another_visitors_message(alice, start_session):
    owner, thief = start_session(), start_session()
    attachment_id = upload(owner.token).json()["id"]
    with pytest.raises(Exception) as refused:
        messages.visitor_message_send(
            visitor=thief.visitor, client_id="c1", body="mine", attachment_ids=[attachment_id]
        )
    assert getattr(refused.value, "code", None) == "attachment_not_found"
