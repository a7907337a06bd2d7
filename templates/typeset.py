"""natplan's PDFs with Typst: a view model as JSON in, the PDF's bytes out.

The print templates are in ``print/``: ``plan.typ`` (rosters.pdf, the
town's printed set), ``city.typ`` (city.pdf) and ``comparison.typ``
(compare.pdf); each reads its view model from ``sys.inputs.data``.  The fonts are the bundled ones
only (``templates/fonts``, system fonts ignored), embedded as subsets, so
the PDF prints Chinese on any machine and the same view model gives the
same bytes on every machine.

Typst runs in a process of its own (:class:`Typesetter`, a plain
subprocess fed on its standard input): Typst keeps a pool of threads, and a
process forked from one that has used Typst would wait for those threads
forever when it lays out a document itself.  So no natplan process that
may fork ever calls Typst.  The typesetting process keeps its compiler,
with the fonts parsed, from one document to the next, and ends when its
parent closes the pipe or dies.
"""
from __future__ import annotations

import functools
import json
import os
import struct
import subprocess
import sys
import threading
from concurrent.futures import Future
from typing import Any

from natplan.templates.render import FONTS_DIR, TEMPLATES_DIR

PRINT_DIR = TEMPLATES_DIR / "print"
PRINT_TEMPLATE = PRINT_DIR / "plan.typ"
TEMPLATES = ("plan", "city", "comparison")  # print/<name>.typ
_HEAD = struct.Struct(">cQ")  # status (b"+" a PDF, b"!" an error) and length


@functools.lru_cache(maxsize=1)
def compiler():
    """This process's Typst compiler on the print template and the bundled fonts (typesetting process only)."""
    import typst

    return typst.Compiler(str(PRINT_TEMPLATE), root=str(TEMPLATES_DIR), font_paths=[str(FONTS_DIR)],
                          ignore_system_fonts=True)


def compile_json(text: str, template: str = "plan") -> bytes:
    """The PDF of the view model *text* (JSON) laid out by ``print/<template>.typ``, in the typesetting
    process.

    Raises
    ------
    typst.TypstError
        When the template cannot lay the data out (a bug: the view model and the template disagree).
    ValueError
        When *template* is not one of :data:`TEMPLATES`.
    """
    if template not in TEMPLATES:
        raise ValueError(f"no print template {template!r}; one of {', '.join(TEMPLATES)}")
    return compiler().compile(input=str(PRINT_DIR / f"{template}.typ"), sys_inputs={"data": text}, pdf_tags=False)


def warm_up() -> None:
    """Load the fonts into this process's compiler (its first document would pay about half a second)."""
    compiler().compile(input='#set text(font: "natplan Noto Sans SC")\n检测 *A4 夏格庄*'.encode(), pdf_tags=False)


def serve() -> None:
    """The typesetting process: read a request (8-byte length, then the template's name, a newline and the
    JSON view model, UTF-8), answer with the PDF (:data:`_HEAD`, then the bytes), until standard input
    closes."""
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    warm_up()
    while True:
        head = stdin.read(8)
        if len(head) < 8:
            return
        template, _, text = stdin.read(struct.unpack(">Q", head)[0]).decode("utf-8").partition("\n")
        try:
            status, body = b"+", compile_json(text, template)
        except Exception as e:  # noqa: BLE001 - sent back to the parent, which raises it
            status, body = b"!", f"{type(e).__name__}: {getattr(e, 'diagnostic', None) or e}".encode()
        try:
            stdout.write(_HEAD.pack(status, len(body)) + body)
            stdout.flush()
        except BrokenPipeError:  # the parent is gone: nobody to answer
            return


class Typesetter:
    """A typesetting process (see the module): :meth:`submit` a view model, get a future of its PDF.

    Start it early (it loads Typst and the fonts while the plan is solved); :meth:`close` ends it.
    """

    def __init__(self):
        # one layout thread: the process that asked for the PDF goes on with the workbook and the page on the
        # other core meanwhile
        env = {"RAYON_NUM_THREADS": "1", **os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        self._proc = subprocess.Popen([sys.executable, "-c", "from natplan.templates.typeset import serve; serve()"],
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        self._lock = threading.Lock()

    def submit(self, data: dict[str, Any], template: str = "plan") -> Future:
        """Start laying out the PDF of *data* with ``print/<template>.typ`` (default the town's set: the view
        model with its ``figures``); a future of its bytes."""
        text = (template + "\n" + json.dumps(data, ensure_ascii=False, separators=(",", ":"))).encode("utf-8")
        future: Future = Future()

        def run():
            try:
                with self._lock:
                    self._proc.stdin.write(struct.pack(">Q", len(text)) + text)
                    self._proc.stdin.flush()
                    head = self._proc.stdout.read(_HEAD.size)
                    if len(head) < _HEAD.size:
                        raise RuntimeError(f"the typesetting process ended (exit code {self._proc.poll()})")
                    status, n = _HEAD.unpack(head)
                    body = self._proc.stdout.read(n)
                if status != b"+":
                    raise RuntimeError(f"Typst could not lay the printed set out: {body.decode()}")
                future.set_result(body)
            except BaseException as e:  # noqa: BLE001 - handed to the future
                future.set_exception(e)

        threading.Thread(target=run, daemon=True).start()
        return future

    def alive(self) -> bool:
        return self._proc.poll() is None

    @property
    def pid(self) -> int:
        """The typesetting process's id (for measuring its CPU time)."""
        return self._proc.pid

    def close(self) -> None:
        """End the typesetting process (it finishes the document it is laying out)."""
        if self._proc.stdin and not self._proc.stdin.closed:
            self._proc.stdin.close()
        try:
            self._proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._proc.stdout.close()


_OWN: dict[int, Typesetter] = {}  # pid → this process's typesetter (a forked child starts its own)


def typesetter() -> Typesetter:
    """This process's typesetter, started on first use and kept."""
    ts = _OWN.get(os.getpid())
    if ts is None or not ts.alive():
        ts = _OWN[os.getpid()] = Typesetter()
    return ts


def typeset(data: dict[str, Any], typesetter_: Typesetter | None = None, template: str = "plan") -> bytes:
    """The PDF of *data* laid out by ``print/<template>.typ`` (default the town's printed set) on
    *typesetter_* (default :func:`typesetter`)."""
    return (typesetter_ or typesetter()).submit(data, template).result()
