"""Rectification notices (整改通知单), one package:

- `service`: issue, submit measures and evidence, check (accept or return), read and list;
- `sweep`: chase open notices from one working day before their due time and supervise overdue ones (run by the
  worker after the timer sweep, with the chase policy and notices of engine/services/oversight);
- `report`: issued / closed / on time / overdue per responsible unit, rolled up the organisation tree.
"""
