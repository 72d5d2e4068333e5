"""How well a CTC recogniser's output supports a given text (lexicon-held reading).

A recogniser's best path is one reading of a line; the per-frame probabilities say more: where
it read 台 with 0.6 it may have given 合 0.3. Where the text a seal *should* read is known (the
applicant's name) or is one of a list (the real public bodies), the question is
whether the image supports that text, character by character.

The expected text is aligned to the frames by Viterbi over the usual CTC states (blank, label,
blank, …). Frames before and after it are free (a seal's strip holds ring marks and number
digits at its ends); what the best path reads there is reported, so a caller can refuse
characters that the expected text leaves unexplained (``…有限公司分公司`` against ``…有限公司``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from filingcheck.models import CharSupport, TextSupport

BLANK = 0
# A recogniser's frame probabilities (frames × classes) and its class alphabet.
Frames = tuple[np.ndarray, Sequence[str]]
_FLOOR = 1e-12


def best_path(probs: np.ndarray, alphabet: Sequence[str]) -> str:
    """Greedy CTC decoding: the most probable class per frame, repeats and blanks removed."""
    return _collapse(probs.argmax(axis=1), alphabet)


def text_support(probs: np.ndarray, alphabet: Sequence[str], text: str) -> TextSupport | None:
    """How well frames ``probs`` (T × classes, rows summing to 1, class 0 the blank) support
    ``text``. None where ``text`` is empty, holds a character the alphabet lacks, or needs more
    frames than there are."""
    return text_supports(probs, alphabet, [text])[0]


def text_supports(
    probs: np.ndarray, alphabet: Sequence[str], texts: Sequence[str]
) -> list[TextSupport | None]:
    """``text_support`` of each of ``texts`` on the same frames (their logs taken once)."""
    frames = _Prepared.of(probs, alphabet)
    alignments = [_align(frames, text) for text in texts]
    return [None if a is None else a.support(frames, text) for a, text in zip(alignments, texts, strict=True)]


def joint_support(readings: Sequence[Frames], text: str) -> list[TextSupport | None]:
    """Each reading's support of ``text``, with every character's ``joint`` probability: what
    all the readings together say of that place (impressions of one stamp show the same glyph;
    each is misread in its own places). Per place, the classes' probabilities (best over the
    place's frames) are multiplied across readings and normalised; one reading's joint is its own.
    """
    prepared = [_Prepared.of(probs, alphabet) for probs, alphabet in readings]
    alignments = [_align(frames, text) for frames in prepared]
    places = [a.place_logs(f.probs) for a, f in zip(alignments, prepared, strict=True) if a is not None]
    joint: list[float] = []
    if places:
        summed = np.sum(places, axis=0)  # places × classes
        summed -= summed.max(axis=1, keepdims=True)
        shares = np.exp(summed)
        shares /= shares.sum(axis=1, keepdims=True)
        labels = next(a.labels for a in alignments if a is not None)
        joint = [float(shares[k, label]) for k, label in enumerate(labels)]
    out: list[TextSupport | None] = []
    for alignment, frames in zip(alignments, prepared, strict=True):
        if alignment is None:
            out.append(None)
            continue
        support = alignment.support(frames, text)
        chars = [c.model_copy(update={"joint": j}) for c, j in zip(support.chars, joint, strict=True)]
        out.append(support.model_copy(update={"chars": chars}))
    return out


@dataclass(frozen=True)
class _Prepared:
    """Frames with what every alignment on them needs, computed once: logs, best path, classes."""

    probs: np.ndarray
    alphabet: Sequence[str]
    logp: np.ndarray
    greedy: np.ndarray
    index: dict[str, int]

    @classmethod
    def of(cls, probs: np.ndarray, alphabet: Sequence[str]) -> _Prepared:
        index = {ch: i for i, ch in enumerate(alphabet) if i != BLANK}
        return cls(probs, alphabet, np.log(np.maximum(probs, _FLOOR)), probs.argmax(axis=1), index)


@dataclass(frozen=True)
class _Alignment:
    """Where each character of a text lies in the frames: its frames (``spans``), and the frames
    of the text as a whole (``first``..``last``, widened over the end glyphs' own runs)."""

    labels: list[int]
    spans: list[list[int]]
    aligned: list[int]
    path: list[int]
    first: int
    last: int

    def support(self, frames: _Prepared, text: str) -> TextSupport:
        probs, alphabet, logp, greedy = frames.probs, frames.alphabet, frames.logp, frames.greedy
        chars = []
        for k, ch in enumerate(text):
            span = self.spans[k]
            best = max(span, key=lambda t: probs[t, self.labels[k]])
            chars.append(
                CharSupport(
                    char=ch,
                    probability=float(probs[best, self.labels[k]]),
                    read=_collapse(greedy[span[0] : span[-1] + 1], alphabet),
                )
            )
        states = _states(self.labels)
        held = sum(logp[t, states[self.path[t]]] for t in self.aligned)
        free = sum(logp[t, greedy[t]] for t in self.aligned)
        return TextSupport(
            text=text,
            chars=chars,
            before=_collapse(greedy[: self.first], alphabet),
            after=_collapse(greedy[self.last + 1 :], alphabet),
            log_ratio=float(held - free),
        )

    def place_logs(self, probs: np.ndarray) -> np.ndarray:
        """Per character place, the log of each class's best probability over its frames."""
        best = np.stack([probs[span].max(axis=0) for span in self.spans])
        logs: np.ndarray = np.log(np.maximum(best, _FLOOR)).astype(np.float32)
        return logs


def _align(prepared: _Prepared, text: str) -> _Alignment | None:
    index = prepared.index
    if not text or any(ch not in index for ch in text):
        return None
    labels = [index[ch] for ch in text]
    frames = prepared.probs.shape[0]
    if frames < _min_frames(labels):
        return None
    path = _viterbi(prepared.logp, _states(labels))
    if path is None:
        return None
    greedy = prepared.greedy
    aligned = [t for t, s in enumerate(path) if s >= 0]
    first, last = aligned[0], aligned[-1]
    # The path holds a glyph's frames only as long as it needs; the rest of its run is its own.
    outer_first, outer_last = first, last
    while outer_first > 0 and greedy[outer_first - 1] == greedy[first]:
        outer_first -= 1
    while outer_last < frames - 1 and greedy[outer_last + 1] == greedy[last]:
        outer_last += 1
    spans = []
    for k in range(len(labels)):
        span = [t for t, s in enumerate(path) if s == 2 * k + 1]
        if span[0] == first:
            span = list(range(outer_first, span[0])) + span
        if span[-1] == last:
            span += list(range(span[-1] + 1, outer_last + 1))
        spans.append(span)
    return _Alignment(labels, spans, aligned, path, outer_first, outer_last)


def _collapse(classes: np.ndarray, alphabet: Sequence[str]) -> str:
    out = []
    previous = -1
    for c in classes.tolist():
        if c != previous and c != BLANK:
            out.append(alphabet[c])
        previous = c
    return "".join(out)


def _states(labels: list[int]) -> list[int]:
    """The CTC state sequence: blank, l1, blank, l2, …, ln, blank (class per state)."""
    states = [BLANK]
    for label in labels:
        states += [label, BLANK]
    return states


def _min_frames(labels: list[int]) -> int:
    """A repeated label needs a blank frame between its two copies."""
    return len(labels) + sum(a == b for a, b in pairwise(labels))


def _viterbi(logp: np.ndarray, states: list[int]) -> list[int] | None:
    """The best state per frame (-1: a free frame outside the text), or None when no path fits.

    Free frames cost nothing: the text may start at any frame (in its first blank or first
    label) and end at any frame (in its last label or the blank after it).
    """
    frames, count = logp.shape[0], len(states)
    cls = np.asarray(states)
    # A label state may be entered from two states back when the label between them differs.
    skip = np.zeros(count, dtype=bool)
    for s in range(2, count):
        skip[s] = states[s] != BLANK and states[s] != states[s - 2]
    neg = -np.inf
    scores = np.full((frames, count), neg)
    back = np.full((frames, count), -1, dtype=np.int32)
    scores[0, :2] = logp[0, cls[:2]]
    for t in range(1, frames):
        previous = scores[t - 1]
        options = np.stack(
            [
                previous,
                np.concatenate(([neg], previous[:-1])),
                np.where(skip, np.concatenate(([neg, neg], previous[:-2])), neg),
            ]
        )
        choice = options.argmax(axis=0)
        best = options.max(axis=0)
        back[t] = np.arange(count) - choice
        # Starting afresh here after a free prefix (which costs nothing).
        for s in (0, 1):
            if best[s] < 0.0:
                best[s], back[t, s] = 0.0, -1
        scores[t] = best + logp[t, cls]
    ends = scores[:, count - 2 :]
    if not np.isfinite(ends).any():
        return None
    end_frame, offset = np.unravel_index(int(ends.argmax()), ends.shape)
    path = [-1] * frames
    state = count - 2 + int(offset)
    for t in range(int(end_frame), -1, -1):
        path[t] = state
        state = int(back[t, state])
        if state < 0:
            break
    return path
