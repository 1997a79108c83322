"""complaintflow engine: BPMN-driven complaint cases, persistence, timers and services."""
