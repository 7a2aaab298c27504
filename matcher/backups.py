"""Backups as one archive: the database (SQLite) and the uploaded files, and their restore.

`flask backup PATH` writes a gzipped tar holding `database.sqlite` (a consistent copy made with
SQLite's online backup API while the app runs) and `uploads/` (the upload folder: the CVs). On
PostgreSQL the database half is pg_dump's own file, so the archive holds `uploads/` only and the
command prints the pg_dump line: the pair is documented in the README.

The archive is created 0600 and exclusively (O_EXCL): a backup holds every applicant's CV and the
password hashes, and never overwrites a file.
"""

from __future__ import annotations

import os
import sqlite3
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

DATABASE_MEMBER = "database.sqlite"
UPLOADS_MEMBER = "uploads"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message is one line for the operator."""


@dataclass(frozen=True)
class Summary:
    database: bool
    files: int
    size: int


def _open_exclusive(path: Path):
    if not path.parent.is_dir():
        raise BackupError(f"Cannot write {path}: the directory {path.parent} does not exist.")  # i18n: ignore
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as error:
        raise BackupError(
            f"{path} exists already; a backup never overwrites a file."  # i18n: ignore
        ) from error
    except OSError as error:
        raise BackupError(f"Cannot write {path}: {error.strerror}.") from error  # i18n: ignore
    return os.fdopen(descriptor, "wb")


def _count_files(folder: Path) -> int:
    return sum(1 for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else 0


def create(path: Path, upload_folder: Path, sqlite_connection: sqlite3.Connection | None) -> Summary:
    """Write the archive: the SQLite database when a connection to it is given, and the uploads."""
    with _open_exclusive(path) as out:
        try:
            with tarfile.open(fileobj=out, mode="w:gz") as archive:
                if sqlite_connection is not None:
                    with tempfile.TemporaryDirectory() as scratch:
                        copy = Path(scratch) / DATABASE_MEMBER
                        destination = sqlite3.connect(copy)
                        try:
                            sqlite_connection.backup(destination)
                        finally:
                            destination.close()
                        archive.add(copy, arcname=DATABASE_MEMBER)
                if upload_folder.is_dir():
                    archive.add(upload_folder, arcname=UPLOADS_MEMBER)
        except BaseException:
            out.close()
            path.unlink(missing_ok=True)  # no half-written backup left to be trusted
            raise
    return Summary(sqlite_connection is not None, _count_files(upload_folder), path.stat().st_size)


def restore(path: Path, upload_folder: Path, sqlite_path: Path | None) -> Summary:
    """Put the archive's database (when restoring to SQLite) and uploads back, with the app stopped.

    Refuses to overwrite: the database file must not exist and the upload folder must be empty.
    """
    if not path.is_file():
        raise BackupError(f"{path} is not a file.")  # i18n: ignore (operators and developers read it)
    try:
        with tarfile.open(path, mode="r:gz") as archive:
            return _restore_from(archive, path, upload_folder, sqlite_path)
    except (tarfile.TarError, EOFError) as error:
        raise BackupError(f"{path} is not a backup archive ({error}).") from error  # i18n: ignore


def _restore_from(
    archive: tarfile.TarFile, path: Path, upload_folder: Path, sqlite_path: Path | None
) -> Summary:
    names = archive.getnames()
    has_database = DATABASE_MEMBER in names
    if sqlite_path is not None and not has_database:
        raise BackupError(
            f"{path} holds no SQLite database (a PostgreSQL backup? use pg_restore)."  # i18n: ignore
        )
    if sqlite_path is not None and sqlite_path.exists():
        raise BackupError(
            f"{sqlite_path} exists; move it away first: a restore never overwrites it."  # i18n: ignore
        )
    if upload_folder.is_dir() and any(upload_folder.iterdir()):
        raise BackupError(f"{upload_folder} is not empty; move it away first.")  # i18n: ignore
    members = [m for m in archive.getmembers() if m.name.startswith(UPLOADS_MEMBER + "/")]
    upload_folder.mkdir(parents=True, exist_ok=True)
    for member in members:
        member.name = member.name[len(UPLOADS_MEMBER) + 1 :]
    # The "data" filter refuses absolute paths, links out of the folder and device files.
    archive.extractall(upload_folder, members=members, filter="data")
    if sqlite_path is not None:
        sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        source = archive.extractfile(DATABASE_MEMBER)
        with os.fdopen(os.open(sqlite_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
            while chunk := source.read(1 << 20):
                out.write(chunk)
    return Summary(sqlite_path is not None, _count_files(upload_folder), path.stat().st_size)
