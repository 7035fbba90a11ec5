"""Pathways: declarative rules of combination compiled to CP-SAT, with check, recommend, explain and more."""

from solver.catalogue import Catalogue, load_catalogue
from solver.errors import CatalogueError, InputError, LookupFailure, Problem, ScenarioError
from solver.learner import Learner

__all__ = ["Catalogue", "CatalogueError", "InputError", "Learner", "LookupFailure", "Problem", "ScenarioError",
           "load_catalogue"]
