"""What a team lead sees: the dashboard, the queue, the figures over time and the tallies behind them."""
