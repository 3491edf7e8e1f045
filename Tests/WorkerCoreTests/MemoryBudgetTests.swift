import Testing
import WorkerCore

@Suite("The memory budget admits decodes while they fit")
struct MemoryBudgetTests {
    @Test("a request that does not fit waits for a release, and later requests queue behind it even when they fit")
    func waitsInOrder() async {
        let budget = MemoryBudget(capacity: 100)
        let first = await budget.acquire(70)
        await withTaskGroup(of: Int.self) { group in
            group.addTask { await budget.acquire(60) }
            // Bounded: a request let in early never becomes a waiter, and must fail the test rather than hang it.
            for _ in 0..<10_000 where await budget.waiterCount == 0 { await Task.yield() }
            group.addTask { await budget.acquire(10) }
            for _ in 0..<10_000 where await budget.waiterCount < 2 { await Task.yield() }
            #expect(await budget.waiterCount == 2, "10 bytes would fit, but they wait behind the 60-byte request")
            #expect(await budget.reservedBytes == 70)
            await budget.release(first)
            var admitted: [Int] = []
            for await reserved in group {
                admitted.append(reserved)
            }
            #expect(admitted.sorted() == [10, 60])
            #expect(await budget.reservedBytes == 70)
            #expect(await budget.waiterCount == 0)
        }
    }

    @Test("a request larger than the whole budget is admitted alone, capped at the capacity")
    func oversized() async {
        let budget = MemoryBudget(capacity: 100)
        let reserved = await budget.acquire(5_000)
        #expect(reserved == 100)
        #expect(await budget.reservedBytes == 100)
        await budget.release(reserved)
        #expect(await budget.reservedBytes == 0)
    }
}
