"""Delivery planning for providers: readers of public course/period benchmarks and delivery plans (PLAN.yaml)."""
