# Train a classifier for scikit-learn's digits: train(X, y) returns a fitted estimator.
from sklearn.dummy import DummyClassifier


def train(X, y):
    # Replace this with a real model: this one always answers the most frequent digit.
    model = DummyClassifier(strategy="most_frequent")
    model.fit(X, y)
    return model
