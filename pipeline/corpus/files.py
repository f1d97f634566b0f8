"""Finding transcript files, and reading a file only when it is a regular one (no named
pipes, sockets, devices, folders or dangling symbolic links)."""

from __future__ import annotations

import stat
from pathlib import Path

from pipeline.errors import Problem

TRANSCRIPT_SUFFIXES = (".txt", ".docx", ".vtt", ".srt")


def _file_problem(path: Path, what: str) -> str | None:
    """Why an existing path cannot be read as a file (None if it is a regular file).

    Never opens the path, so a named pipe cannot block the reader."""
    try:
        mode = path.stat().st_mode  # follows symbolic links
    except FileNotFoundError:
        if path.is_symlink():
            return ("is a symbolic link to a file that does not exist; replace the link with "
                    f"the {what} itself, or remove it")
        return "not found"
    except OSError as exc:
        return _unreadable(exc)
    if stat.S_ISDIR(mode):
        return f"is a folder, not a file; the {what} must be an ordinary file"
    if not stat.S_ISREG(mode):
        return ("is not a regular file (a named pipe, socket or device) and was not read; "
                f"replace it with the {what} saved as an ordinary file")
    return None


def _unreadable(exc: OSError) -> str:
    reason = exc.strerror or type(exc).__name__
    return (f"cannot be read ({reason}); check the file's permissions (it must be readable "
            "by the user running the pipeline, e.g. chmod u+r) or copy it again")


def _read_file(path: Path, what: str) -> tuple[bytes | None, Problem | None]:
    """The bytes of a regular file, or a problem saying why it cannot be read."""
    problem = _file_problem(path, what)
    if problem is not None:
        return None, Problem(str(path), problem)
    try:
        return path.read_bytes(), None
    except OSError as exc:
        return None, Problem(str(path), _unreadable(exc))


def find_transcripts(folder: Path) -> tuple[dict[str, Path], list[Problem]]:
    found, problems, _ = _find_transcripts(folder)
    return found, problems


def _find_transcripts(folder: Path) -> tuple[dict[str, Path], list[Problem], set[str]]:
    """Transcripts by participant id, problems, and the ids of files skipped as unreadable
    (named pipes, dangling links...), which are never opened."""
    problems: list[Problem] = []
    found: dict[str, Path] = {}
    skipped: set[str] = set()
    if not folder.is_dir():
        if folder.exists():
            message = ("is not a folder; put one file per participant in a folder "
                       "<corpus>/transcripts/")
        elif folder.is_symlink():
            message = ("is a symbolic link to a folder that does not exist; replace it with "
                       "the transcripts folder itself")
        else:
            message = ("transcripts folder not found; put one file per participant in "
                       "<corpus>/transcripts/")
        return {}, [Problem(str(folder), message)], skipped
    try:
        entries = sorted(folder.iterdir())
    except OSError as exc:
        return {}, [Problem(str(folder), _unreadable(exc))], skipped
    for path in entries:
        if path.name.startswith(".") or path.is_dir():
            continue
        if path.suffix.lower() not in TRANSCRIPT_SUFFIXES:
            problems.append(Problem(str(path), "unsupported transcript format; use .txt, .docx, "
                                               ".vtt or .srt"))
            continue
        problem = _file_problem(path, "transcript")
        if problem is not None:
            problems.append(Problem(str(path), problem))
            skipped.add(path.stem)
            continue
        if path.stem in found:
            problems.append(Problem(str(path), f"a second transcript for {path.stem} (also "
                                               f"{found[path.stem].name}); keep only one"))
            continue
        found[path.stem] = path
    return found, problems, skipped
