"""Vocabulary for the synthetic demo organisation (see ``graph_model.demo``).

Kept apart from the generator so that the generator reads as structure and the names
can grow without touching logic. Every list here is a tuple: the generator indexes
and samples them with its own seeded ``random.Random``, so their order is part of
the output and must not depend on anything but this file.

Naming rules the generator relies on for unique uids:
- domain artifacts are ``<namespace>/<domain slug>-<noun>``; shared (core) artifacts
  are ``<namespace>/<noun>`` with nouns that never start with a topic slug and '-';
- a domain slug is ``<topic>[-<region>][-<product>]``; regions, products and nouns
  are disjoint word lists, so two domains can never produce the same uid.
"""

from __future__ import annotations

import re
from typing import NamedTuple

FIRST_NAMES = (
    "Ana", "Bruno", "Chen", "Divya", "Emeka", "Fatima", "Gustavo", "Hana", "Ivan", "Julia",
    "Kenji", "Leila", "Marco", "Nadia", "Oskar", "Priya", "Quentin", "Rosa", "Sanjay", "Tomas",
    "Uma", "Viktor", "Wen", "Ximena", "Yusuf", "Zara", "Amara", "Benedikt", "Carmen", "Dmitri",
    "Elif", "Felix", "Grace", "Hiroshi", "Ingrid", "Jamal", "Kavya", "Lucas", "Mei", "Nikolai",
    "Olga", "Pablo", "Rania", "Siobhan", "Tariq", "Valentina", "William", "Yara", "Aditya",
    "Beatriz", "Ciaran", "Daniela", "Eun-ji", "Farah", "Goran", "Helena", "Ibrahim", "Joanna",
)

LAST_NAMES = (
    "Silva", "Okafor", "Nakamura", "Kowalski", "Haddad", "Fernandes", "Lindqvist", "Mehta",
    "Novak", "Rossi", "O'Neill", "Dubois", "Schmidt", "Tanaka", "Abara", "Petrov", "Garcia",
    "Nguyen", "Kim", "Johansson", "Moreau", "Costa", "Yilmaz", "Adeyemi", "Kaur", "Larsen",
    "Martins", "Horvath", "Ivanova", "Bianchi", "Chowdhury", "Ortega", "Weber", "Santos",
    "Achebe", "Park", "Nieminen", "Rahman", "Keller", "Vasquez", "Sato", "Mensah", "Jansen",
    "Popescu", "Alvarez", "Kapoor", "Brennan", "Zhou", "Hoffmann", "Castillo", "Osei", "Varga",
)


class Topic(NamedTuple):
    """One ML problem area: a team owns one or more domains of a topic."""

    slug: str                 # domain slug root; never a prefix of a core noun
    team_id: str
    team_name: str
    label: str                # the labels dataset models of this topic train on
    data: tuple[str, ...]     # raw data nouns
    models: tuple[str, ...]   # model nouns; the first one is the flagship model
    family: str               # key of METRICS


TOPICS = (
    Topic("fraud", "fraud-ml", "Fraud ML", "chargebacks",
          ("card-transactions", "device-fingerprints", "login-attempts"),
          ("detector", "risk-scorer", "anomaly-model"), "classification"),
    Topic("search", "search-relevance", "Search Relevance", "click-labels",
          ("queries", "result-clicks", "impressions"),
          ("ranker", "query-classifier", "spell-corrector"), "ranking"),
    Topic("recs", "recommendations", "Recommendations", "engagement-labels",
          ("interactions", "watch-history", "item-catalog"),
          ("recommender", "two-tower", "reranker"), "ranking"),
    Topic("ads", "ads-ranking", "Ads Ranking", "conversion-labels",
          ("ad-impressions", "ad-clicks", "campaigns"),
          ("ctr-model", "bid-optimizer", "conversion-model"), "classification"),
    Topic("pricing", "dynamic-pricing", "Dynamic Pricing", "booking-outcomes",
          ("quotes", "bookings", "competitor-prices"),
          ("price-optimizer", "elasticity-model", "demand-model"), "regression"),
    Topic("eta", "logistics-forecasting", "Logistics Forecasting", "delivery-times",
          ("trips", "gps-pings", "courier-shifts"),
          ("arrival-predictor", "route-scorer", "supply-forecaster"), "regression"),
    Topic("churn", "customer-retention", "Customer Retention", "churn-labels",
          ("subscriptions", "cancellations", "usage-events"),
          ("churn-predictor", "ltv-model", "uplift-model"), "classification"),
    Topic("credit", "credit-risk", "Credit Risk", "default-labels",
          ("loan-applications", "repayments", "bureau-reports"),
          ("default-predictor", "limit-model", "pd-scorecard"), "classification"),
    Topic("support", "support-automation", "Support Automation", "resolution-labels",
          ("tickets", "chat-transcripts", "csat-responses"),
          ("intent-classifier", "reply-ranker", "routing-model"), "classification"),
    Topic("vision", "vision", "Vision", "annotations",
          ("images", "ocr-scans", "moderation-queue"),
          ("image-tagger", "ocr-model", "moderation-classifier"), "classification"),
    Topic("demand", "demand-planning", "Demand Planning", "sales-actuals",
          ("store-sales", "stock-levels", "promotions"),
          ("demand-forecaster", "inventory-model", "staffing-forecaster"), "regression"),
    Topic("nlp", "language", "Language", "review-labels",
          ("reviews", "product-descriptions", "translations"),
          ("sentiment-model", "ner-tagger", "summarizer"), "classification"),
    Topic("growth", "growth", "Growth", "conversion-outcomes",
          ("signups", "campaign-touches", "referrals"),
          ("propensity-model", "lead-scorer", "attribution-model"), "classification"),
    Topic("safety", "trust-safety", "Trust & Safety", "abuse-labels",
          ("user-reports", "messages", "account-flags"),
          ("abuse-classifier", "spam-filter", "toxicity-model"), "classification"),
    Topic("payments", "payments-intelligence", "Payments Intelligence", "auth-outcomes",
          ("authorizations", "settlements", "declines"),
          ("routing-optimizer", "auth-predictor", "retry-model"), "classification"),
    Topic("maps", "maps", "Maps", "geo-labels",
          ("addresses", "poi-edits", "map-tiles"),
          ("poi-matcher", "address-parser", "geocoder"), "ranking"),
)

# A team beyond the first len(TOPICS) gets a region; a team's second domain a product.
REGIONS = ("emea", "apac", "amer", "latam", "nordics", "dach", "iberia", "anz", "india", "japan")
PRODUCTS = ("wallet", "checkout", "mobile", "web", "b2b", "marketplace", "loyalty", "partner",
            "smb", "enterprise")

# Shared, widely used data owned by the data platform team (no topic prefix).
CORE_TEAM = ("data-platform", "Data Platform")
CORE_RAW = ("clickstream", "app-events", "payment-events", "customer-accounts", "merchant-registry",
            "product-catalog", "geo-pings", "email-events", "crm-contacts", "billing-ledger")
CORE_WAREHOUSE = ("customers", "transactions", "sessions", "merchants", "products", "orders",
                  "accounts-daily", "ledger-entries", "geo-regions", "calendar")
CORE_FEATURES = ("customer-profile", "merchant-profile", "session-aggregates", "user-embeddings",
                 "product-embeddings", "geo-features", "device-profile", "spend-aggregates")

RAW_EXTRA = ("event-log", "exports", "partner-feed", "audit-log")
FEATURE_NOUNS = ("velocity", "aggregates", "embeddings", "profile", "history", "text-signals",
                 "graph-signals")
PIPELINE_PURPOSES = ("training", "batch-scoring", "feature-build", "label-join", "backfill",
                     "retraining")
EVAL_SPLITS = ("holdout", "backtest", "fairness", "robustness", "slice-analysis")
ENVS = ("prod", "staging", "shadow")
CLOUD_REGIONS = ("eu-west-1", "us-east-1", "us-west-2", "ap-southeast-1")

METRICS = {
    "classification": ("auc", "precision", "recall", "logloss"),
    "ranking": ("ndcg_at_10", "mrr", "auc"),
    "regression": ("mae", "rmse", "mape"),
}

COMMIT_MESSAGES = {
    "model": ("Retrain {name} on latest labels", "Tune {name} hyperparameters",
              "Add class weights to {name}", "Bump training window for {name}"),
    "feature_set": ("Add null handling to {name}", "Backfill {name} for new partitions",
                    "Refactor {name} aggregation windows"),
    "pipeline": ("Parallelise {name}", "Pin dependencies for {name}", "Retry flaky step in {name}"),
    "deployment": ("Roll out {name}", "Scale {name} replicas", "Update {name} autoscaling policy"),
}


def slug(text: str) -> str:
    """A lowercase ASCII slug ('O'Neill' -> 'oneill', 'Eun-ji' -> 'eun-ji')."""
    return re.sub(r"[^a-z0-9-]+", "", text.lower())


def nth(words: tuple[str, ...], k: int) -> str:
    """The k-th name from ``words``, numbered once the list runs out ('x', ..., 'x-2')."""
    word = words[k % len(words)]
    return word if k < len(words) else f"{word}-{k // len(words) + 1}"


def region(r: int) -> str:
    """Qualifier for the r-th round of teams on a topic: '', 'emea', ..., 'emea2'."""
    if r == 0:
        return ""
    word = REGIONS[(r - 1) % len(REGIONS)]
    return word if r <= len(REGIONS) else f"{word}{(r - 1) // len(REGIONS) + 1}"


def product(k: int) -> str:
    """Qualifier for a team's k-th domain: '', 'wallet', ..., 'wallet2'."""
    if k == 0:
        return ""
    word = PRODUCTS[(k - 1) % len(PRODUCTS)]
    return word if k <= len(PRODUCTS) else f"{word}{(k - 1) // len(PRODUCTS) + 1}"
