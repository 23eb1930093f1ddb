"""Replacing an output folder all at once.

A build writes several files that only make sense together (the checksums
cover the dumps). Writing them into a fresh sibling folder and swapping it
with the old one means a reader, or a build that is killed halfway, only ever
sees the complete previous output or the complete new one.

A build that is killed leaves its staging folder behind, so the next one
removes every staging folder of the same target that no build holds: each
build holds a lock (flock) on its own while it writes, which the kernel
drops when the process, and any worker it forked, is gone. Two builds into
one target may run at once; the parent folder's lock keeps one from taking
the other's staging folder between its creation and its lock, or in the
middle of a swap.
"""

import contextlib
import ctypes
import errno
import fcntl
import os
import re
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
    with contextlib.ExitStack() as cleanup:
        with _locked(target.parent):
            _remove_abandoned(target)
            staging = Path(
                tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            )
            cleanup.enter_context(_locked(staging))
        cleanup.callback(shutil.rmtree, staging, ignore_errors=True)  # before the unlock
        _make_readable(staging)
        yield staging
        _fsync_tree(staging)
        with _locked(target.parent):
            if target.exists():
                _exchange(staging, target)  # staging now holds the old output
            else:
                staging.rename(target)


def _remove_abandoned(target: Path) -> None:
    """Remove the staging folders of ``target`` that no running build holds.

    A build killed in the middle of a swap without renameat2 may have left the
    previous output aside, with no ``target``: that is put back instead.
    """
    ours = re.compile(re.escape(f".{target.name}.") + r"[^.]+\.tmp(\.old)?")
    for path in sorted(target.parent.iterdir()):
        if not ours.fullmatch(path.name) or path.is_symlink() or not path.is_dir():
            continue
        held = _lock(path, wait=False)
        if held is None:  # a build running now, or a filesystem that cannot tell
            continue
        if path.name.endswith(".old") and not target.exists():
            path.rename(target)
        else:
            shutil.rmtree(path, ignore_errors=True)
        os.close(held)


def _lock(folder: Path, wait: bool) -> int | None:
    """A descriptor holding an exclusive lock on ``folder``.

    None when another process holds one (``wait`` false), or when the
    filesystem has no locks (some network filesystems): then nothing is
    taken for abandoned, and builds are as safe as they were without locks.
    """
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except OSError:
        os.close(descriptor)
        return None
    return descriptor


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    descriptor = _lock(folder, wait=True)
    try:
        yield
    finally:
        if descriptor is not None:
            os.close(descriptor)


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
