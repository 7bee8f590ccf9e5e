"""Python client of the feature store.

>>> from featurestore import FeatureStore
>>> fs = FeatureStore("http://localhost:8080")  # key from FEATURE_STORE_API_KEY

See docs/python.md for the walk-through.
"""

from featurestore.client import FeatureStore
from featurestore.errors import (
    Conflict,
    FeatureStoreError,
    FieldProblem,
    InvalidInput,
    NotFound,
    RequestTimeout,
    ServerUnreachable,
    Unauthorized,
    Unavailable,
)
from featurestore.models import (
    Commit,
    Entity,
    ErasureReceipt,
    FeatureGroup,
    KeyLineage,
    Model,
    OnlineResponse,
    TrainingSet,
)

__all__ = [
    "Commit",
    "Conflict",
    "Entity",
    "ErasureReceipt",
    "FeatureGroup",
    "FeatureStore",
    "FeatureStoreError",
    "FieldProblem",
    "InvalidInput",
    "KeyLineage",
    "Model",
    "NotFound",
    "OnlineResponse",
    "RequestTimeout",
    "ServerUnreachable",
    "TrainingSet",
    "Unauthorized",
    "Unavailable",
]
