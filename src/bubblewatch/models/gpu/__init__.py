"""GPU economics: the economic life of one accelerator, and a fleet cascaded by age."""

from bubblewatch.models.gpu.assumptions import Assumption, assumptions_frame, override
from bubblewatch.models.gpu.economics import AcceleratorLife, accelerator_life, running_cost
from bubblewatch.models.gpu.fleet import FleetResult, FleetScenario, Tier, simulate
from bubblewatch.models.gpu.prices import (
    PricePath,
    PriceTrend,
    explicit_path,
    fit_trend,
    flat_path,
    generational_path,
    observed_path,
)

__all__ = [
    "AcceleratorLife",
    "Assumption",
    "FleetResult",
    "FleetScenario",
    "PricePath",
    "PriceTrend",
    "Tier",
    "accelerator_life",
    "assumptions_frame",
    "explicit_path",
    "fit_trend",
    "flat_path",
    "generational_path",
    "observed_path",
    "override",
    "running_cost",
    "simulate",
]
