"""Trips' documents in the audit log: an upload and a deletion once they commit (nothing for a
refused one), and every download by someone other than the traveller."""

from __future__ import annotations

from tests.support.documents import png, post_document
from tests.support.trips import make_trip


def test_uploads_deletions_and_others_downloads_are_audited(app, client, users, auth, audit_log):
    host = users.organisation()
    trip = make_trip(users, opportunity=users.opportunity(host, country_code="KE"))
    item = trip.items[0]
    member = users.create("org_member", organisation=host)
    auth.login_as(trip.user)

    assert post_document(client, trip, item, b"<html></html>", "x.pdf").status_code == 422
    assert audit_log.entries("trip_document_uploaded") == []
    assert post_document(client, trip, item, png(), "passport.png").status_code == 302
    [uploaded] = audit_log.entries("trip_document_uploaded")
    document_id = uploaded["details"]["document_id"]
    assert uploaded["user_id"] == trip.user_id
    assert uploaded["details"] == {"trip_id": trip.id, "item": item.code, "document_id": document_id}

    assert client.get(f"/trips/{trip.id}/documents/{document_id}").status_code == 200
    assert audit_log.entries("trip_document_downloaded") == []  # the traveller's own
    auth.logout()
    auth.login_as(member)
    assert client.get(f"/trips/{trip.id}/documents/{document_id}").status_code == 200
    [downloaded] = audit_log.entries("trip_document_downloaded")
    assert downloaded["user_id"] == member.id
    assert downloaded["details"] == {"trip_id": trip.id, "document_id": document_id}

    auth.logout()
    auth.login_as(trip.user)
    assert client.post(f"/trips/{trip.id}/documents/{document_id}/delete").status_code == 302
    [deleted] = audit_log.entries("trip_document_deleted")
    assert deleted["user_id"] == trip.user_id and deleted["details"]["document_id"] == document_id
