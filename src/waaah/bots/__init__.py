"""The chat bridge (`waaah bot slack|discord`): posts what needs a person into a channel and takes
answers, approvals and commands back, over the hub's public REST API and real-time channel only."""
