namespace MemoSync.Delivery;

/// <summary>
/// Picks the lane for each turn the real-time worker takes. While a user has turns in a lane, the user's next
/// turns go to that lane too, so they arrive in order. A user with none goes to the lane with the fewest turns.
/// Busy users thus spread evenly over the lanes. A hash of the user would pile some on one lane and leave
/// others idle: with 16 users on 8 lanes, the busiest lane holds 4 or more of them four times in five.
/// </summary>
internal sealed class LaneAssignment(int lanes)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (int Lane, int Turns)> _users = new(StringComparer.Ordinal);
    private readonly int[] _turns = new int[lanes];

    /// <summary>
    /// Offers a turn of <paramref name="user"/> to its lane through <paramref name="tryWrite"/>, which must not block;
    /// counts it there when taken. Each turn taken must be given back with <see cref="Done"/>.
    /// </summary>
    public bool TryAssign(string user, Func<int, bool> tryWrite)
    {
        lock (_gate)
        {
            var held = _users.TryGetValue(user, out var h) ? h : (Lane: Array.IndexOf(_turns, _turns.Min()), Turns: 0);
            if (!tryWrite(held.Lane))
            {
                return false;
            }
            _users[user] = (held.Lane, held.Turns + 1);
            _turns[held.Lane]++;
            return true;
        }
    }

    /// <summary>Counts a turn of <paramref name="user"/> out of its lane, once the lane is done with it.</summary>
    public void Done(string user)
    {
        lock (_gate)
        {
            var (lane, turns) = _users[user];
            _turns[lane]--;
            if (turns == 1)
            {
                _users.Remove(user);
            }
            else
            {
                _users[user] = (lane, turns - 1);
            }
        }
    }
}
