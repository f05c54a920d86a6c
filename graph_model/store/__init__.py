"""Graph stores: one interface (``GraphStore``), two engines, one query set."""

from .base import ConsoleResult, GraphStore, Plan, Statement, batched
from .factory import StoreConfig, open_recovering, open_store, where

__all__ = ["ConsoleResult", "GraphStore", "Plan", "Statement", "StoreConfig", "batched",
           "open_recovering", "open_store", "where"]
