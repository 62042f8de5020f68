# The hidden tests of exercise `ml`: the grader copies this directory next to the learner's
# classify.py at grading time and runs pytest on it; learners never get it. The data is split
# with the seed the grader picks for each grading (GRADER_SEED), so no answer can be memorised.
import importlib
import os
import random
import resource
import threading
import time
import traceback

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

TIME_LIMIT_S = float(os.environ.get("ML_TRAIN_SECONDS", "30"))
MEMORY_LIMIT = 1 << 30
MIN_ACCURACY = 0.95


def peak_rss_bytes():
    self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(self, children) * 1024


class Training:
    """What train(X, y) did: the model or the exception, how long it took, the peak memory."""

    def __init__(self, import_error=None):
        self.import_error = import_error
        self.model = None
        self.error = None
        self.seconds = None
        self.peak = None


def where_in_classify(e):
    # The learner's line that raised, for the message: the deepest frame in classify.py.
    frames = [f for f in traceback.extract_tb(e.__traceback__) if os.path.basename(f.filename) == "classify.py"]
    return f" (classify.py, line {frames[-1].lineno})" if frames else ""


def run_train(train, X, y):
    # In a thread, so that a train() stuck in C code is still abandoned at the limit.
    out = Training()

    def target():
        start = time.perf_counter()
        try:
            out.model = train(X, y)
        except BaseException as e:  # the learner's code: anything may come out
            out.error = e
        out.seconds = time.perf_counter() - start
        out.peak = peak_rss_bytes()

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(TIME_LIMIT_S)
    return out


@pytest.fixture(scope="module")
def split():
    seed = int(os.environ.get("GRADER_SEED") or random.randrange(1, 2**31))
    X, y = load_digits(return_X_y=True)
    return train_test_split(X, y, test_size=0.25, random_state=seed, stratify=y)


@pytest.fixture(scope="module")
def training(split):
    X_train, _, y_train, _ = split
    try:
        classify = importlib.import_module("classify")
    except BaseException as e:  # the learner's code: anything may come out
        return Training(f"importing classify.py raised {type(e).__name__}: {e}")
    if not callable(getattr(classify, "train", None)):
        return Training("classify.py defines no function train(X, y)")
    return run_train(classify.train, X_train, y_train)


def fitted(training):
    # Called inside each test, not as a fixture: a learner's failure is then the test's `failed`,
    # where a failing fixture would make it an `error` of the test's set-up.
    if training.import_error is not None:
        pytest.fail(training.import_error, pytrace=False)
    if training.seconds is None:
        pytest.fail(f"train(X, y) did not finish within {TIME_LIMIT_S:g} s", pytrace=False)
    if training.error is not None:
        e = training.error
        pytest.fail(f"train(X, y) raised {type(e).__name__}{where_in_classify(e)}: {e}", pytrace=False)
    if not callable(getattr(training.model, "predict", None)):
        pytest.fail(f"train(X, y) returned {type(training.model).__name__}, which has no predict method",
                    pytrace=False)
    return training.model


def test_returns_fitted_estimator(training):
    model = fitted(training)
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    try:
        check_is_fitted(model)
    except (NotFittedError, TypeError) as e:
        pytest.fail(f"train(X, y) returned an estimator that is not fitted: {e}", pytrace=False)


def test_accuracy(training, split):
    model = fitted(training)
    _, X_test, _, y_test = split
    accuracy = float(np.mean(model.predict(X_test) == y_test))
    assert accuracy >= MIN_ACCURACY, (
        f"accuracy {accuracy:.3f} on {len(y_test)} held-out digits; it must be at least {MIN_ACCURACY}"
    )


def test_trains_in_time(training):
    fitted(training)
    assert training.seconds < TIME_LIMIT_S, (
        f"train(X, y) took {training.seconds:.1f} s; it must take less than {TIME_LIMIT_S:g} s"
    )


def test_memory(training):
    fitted(training)
    assert training.peak < MEMORY_LIMIT, (
        f"training peaked at {training.peak / 2**20:.0f} MiB; it must stay under {MEMORY_LIMIT / 2**20:.0f} MiB"
    )


def test_predicts_one_sample(training, split):
    model = fitted(training)
    _, X_test, _, y_test = split
    one = X_test[:1]
    try:
        got = np.asarray(model.predict(one))
    except Exception as e:
        pytest.fail(f"predict on one sample (shape {one.shape}) raised {type(e).__name__}: {e}", pytrace=False)
    assert got.shape == (1,), f"predict on one sample returned shape {got.shape}; expected (1,)"
    assert got[0] in set(y_test.tolist()), f"predict on one sample returned {got[0]!r}, which is no digit"
