"""Backstage catalog files written for the tests (several documents per file)."""

CATALOG = """\
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: ML-Platform
  annotations:
    opsgenie.com/team: ml-oncall
spec:
  type: team
  profile: {displayName: ML Platform}
  children: []
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: ana
  annotations: {github.com/user-login: ana-s}
spec:
  profile: {displayName: Ana Silva, email: ana@example.com}
  memberOf: [group:default/ml-platform]
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: bo}
spec:
  profile: {displayName: Bo Chen}
  memberOf: [ml-platform]
---
apiVersion: backstage.io/v1alpha1
kind: Domain
metadata: {name: ml}
spec: {owner: ml-platform}
"""

SERVICES = """\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: churn-model
  description: Predicts churn
  tags: [tier-1]
  links:
    - {url: "https://runbooks.example.com/churn", title: Runbook}
  annotations:
    pagerduty.com/service-id: PCHURN1
    backstage.io/source-location: url:https://github.com/acme/ml/tree/main/models/churn/
spec:
  type: ml-model
  lifecycle: production
  owner: group:ml-platform
  dependsOn: [resource:user-features]
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata: {name: user-features}
spec:
  type: dataset
  owner: user:bo
  dependencyOf: [component:churn-api]
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: churn-api}
spec: {type: service, owner: ml-platform}
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata: {name: churn-grpc, namespace: payments}
spec: {type: grpc, owner: user:nobody}
"""
