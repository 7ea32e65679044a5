"""The conversations, declared as data, and the engine that runs them. Pure: no I/O."""

from flows.engine import Engine
from flows.entry import ENTRY, ENTRY_INTO_HARM_REDUCTION, ENTRY_INTO_SAFETY_PLAN
from flows.harm_reduction import HARM_REDUCTION
from flows.model import Flow
from flows.safety_plan import SAFETY_PLAN

FLOWS: dict[str, Flow] = {
    f.id: f
    for f in (
        ENTRY,
        ENTRY_INTO_SAFETY_PLAN,
        ENTRY_INTO_HARM_REDUCTION,
        SAFETY_PLAN,
        HARM_REDUCTION,
    )
}


def build_engines() -> dict[str, Engine]:
    """One engine (and one `transitions` machine) per flow, built once at start-up."""
    return {flow_id: Engine(flow) for flow_id, flow in FLOWS.items()}
