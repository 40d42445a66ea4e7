using MemoSync.Delivery;

namespace MemoSync.Tests.Delivery;

public sealed class LaneAssignmentTests
{
    [Fact]
    public void Busy_users_spread_evenly_over_the_lanes_and_each_keeps_its_lane_while_it_has_turns_there()
    {
        var assignment = new LaneAssignment(8);
        var lanes = new List<int>[8];
        for (var i = 0; i < lanes.Length; i++)
        {
            lanes[i] = [];
        }
        bool Take(int lane, int user)
        {
            lanes[lane].Add(user);
            return true;
        }

        // Sixteen users with a turn each, then a second turn each, in the reverse order, while the first still waits:
        // by load alone, user 15's second turn would go to lane 0, which user 15 does not hold.
        foreach (var users in new[] { Enumerable.Range(0, 16), Enumerable.Range(0, 16).Reverse() })
        {
            foreach (var user in users)
            {
                Assert.True(assignment.TryAssign($"user-{user}", lane => Take(lane, user)));
            }
        }

        Assert.All(Enumerable.Range(0, 16), user => Assert.Single(lanes, lane => lane.Contains(user)));
        Assert.All(lanes, lane => Assert.Equal(2, lane.Distinct().Count()));
        Assert.All(lanes, lane => Assert.Equal(4, lane.Count));
    }

    [Fact]
    public void A_user_whose_turns_are_all_done_goes_to_the_least_busy_lane()
    {
        var assignment = new LaneAssignment(2);
        var taken = new List<int>();
        bool Take(int lane)
        {
            taken.Add(lane);
            return true;
        }

        assignment.TryAssign("alice", Take);
        assignment.TryAssign("alice", Take);
        assignment.TryAssign("bob", Take);
        Assert.Equal([0, 0, 1], taken);

        // Alice's turns are done; Bob's lane fills, then Carol's four turns make Alice's old lane the busier one.
        assignment.Done("alice");
        assignment.Done("alice");
        assignment.TryAssign("bob", Take);
        assignment.TryAssign("bob", Take);
        for (var i = 0; i < 4; i++)
        {
            assignment.TryAssign("carol", Take);
        }
        assignment.TryAssign("alice", Take);
        Assert.Equal([0, 0, 1, 1, 1, 0, 0, 0, 0, 1], taken);
    }

    [Fact]
    public void A_turn_its_lane_refuses_is_not_counted()
    {
        var assignment = new LaneAssignment(2);
        Assert.False(assignment.TryAssign("alice", _ => false));
        var taken = new List<int>();
        // Nothing of Alice's is held, so Bob and Alice each go to a lane with no turns.
        assignment.TryAssign("bob", lane => { taken.Add(lane); return true; });
        assignment.TryAssign("alice", lane => { taken.Add(lane); return true; });
        Assert.Equal([0, 1], taken);
    }
}
