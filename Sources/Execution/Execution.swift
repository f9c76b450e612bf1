/// # Execution: applies transactions (EVM + State → receipts, post-state).
public enum ExecutionModule {}
