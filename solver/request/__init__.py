"""Request layer: named requirements, the formulation of a request over the unit Booleans, and its objectives."""
