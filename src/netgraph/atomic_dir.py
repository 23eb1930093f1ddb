"""Replacing an output folder all at once.

A build writes several files that only make sense together (the checksums
cover the dumps). Writing them into a fresh sibling folder and swapping it
with the old one means a reader, or a build that is killed halfway, only ever
sees the complete previous output or the complete new one.
"""

import contextlib
import ctypes
import errno
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


@contextlib.contextmanager
def replaced_atomically(target: Path) -> Iterator[Path]:
    """Yield an empty staging folder; if the block succeeds, it becomes ``target``.

    On any exception the staging folder is removed and ``target`` is untouched.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        _make_readable(staging)
        yield staging
        _fsync_tree(staging)
        if target.exists():
            _exchange(staging, target)  # staging now holds the old output
        else:
            staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _make_readable(folder: Path) -> None:
    # mkdtemp creates 0700; a published folder should follow the umask like mkdir does.
    umask = os.umask(0)
    os.umask(umask)
    folder.chmod(0o777 & ~umask)


def _fsync_tree(folder: Path) -> None:
    for path in sorted(folder.iterdir()):
        if path.is_dir():  # e.g. the Oxigraph store
            _fsync_tree(path)
            continue
        with path.open("rb") as file:
            os.fsync(file.fileno())
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _exchange(new: Path, old: Path) -> None:
    """Swap two folders in one step where the kernel allows it, else in three renames.

    The fallback has a moment in which ``old`` is missing (its content is then
    in ``<new>.old``); renameat2 has none.
    """
    if _renameat2_exchange(new, old):
        return
    aside = old.with_name(f"{new.name}.old")
    old.rename(aside)
    new.rename(old)
    aside.rename(new)


def _renameat2_exchange(first: Path, second: Path) -> bool:
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except AttributeError:  # libc without renameat2 (not glibc ≥ 2.28, or not Linux)
        return False
    result = renameat2(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
    if result == 0:
        return True
    error = ctypes.get_errno()
    if error in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):  # filesystem cannot exchange
        return False
    raise OSError(error, os.strerror(error), str(second))
