"""Urgent and group complaints (紧急、群体性投诉), one package:

- `store`: what the services need of the database (the unit of work's `urgent`);
- `register`: at intake, an urgent-grade or group complaint gets its deadlines and goes on the supervision list;
- `service`: record the first contact, form the task force (专项小组), record the day's progress, read and list;
- `sweep`: chase a missed first contact, a task force not formed and a missed day of progress (run by the worker
  after the timer sweep, with the chase policy and notices of engine/services/oversight).
"""
