namespace MemoSync.Delivery;

/// <summary>One minute of deliveries.</summary>
/// <param name="Start">The minute's start.</param>
/// <param name="Delivered">Turns synced in it.</param>
/// <param name="P50">The median recorded→synced latency, or null with no delivery.</param>
/// <param name="P99">The 99th percentile, or null with no delivery.</param>
public sealed record DeliveryMinute(DateTimeOffset Start, int Delivered, TimeSpan? P50, TimeSpan? P99);
