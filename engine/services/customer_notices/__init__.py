"""Customer notices (客户告知): templates, the outbox, its dispatcher and the delivery channels."""
