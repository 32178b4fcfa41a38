// A rank_channel between threads of one process: each thread acts as one rank of a job, so that
// the combine over ranks is tested on every machine, without MPI. Ranks listed as absent never
// run: sends to them fail at once, receives from them wait out their timeout, as a crashed rank
// looks to the others.
#pragma once

#include "timemory/core/rank_channel.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <vector>

namespace tim::test {

class local_job {
  public:
    local_job(int size, std::set<int> absent = {})
        : m_size{size},
          m_absent{std::move(absent)},
          m_queues(static_cast<std::size_t>(size * size)) {
        for (auto& q : m_queues) q = std::make_unique<queue>();
    }

    class channel : public rank_channel {
      public:
        channel(local_job& job, int rank) : m_job{job}, m_rank{rank} {}
        int rank() const override { return m_rank; }
        int size() const override { return m_job.m_size; }
        bool send(int dest, const std::vector<char>& bytes, double) override {
            if (dest < 0 || dest >= m_job.m_size || m_job.m_absent.count(dest) != 0) return false;
            auto& q = m_job.at(m_rank, dest);
            {
                std::lock_guard<std::mutex> lock{q.mutex};
                q.messages.push_back(bytes);
            }
            q.ready.notify_all();
            ++m_job.m_sent;
            return true;
        }
        std::optional<std::vector<char>> receive(int source, double timeout_s) override {
            if (source < 0 || source >= m_job.m_size) return std::nullopt;
            auto& q = m_job.at(source, m_rank);
            std::unique_lock<std::mutex> lock{q.mutex};
            const auto wait = std::chrono::duration<double>(timeout_s);
            if (!q.ready.wait_for(lock, wait, [&] { return !q.messages.empty(); }))
                return std::nullopt;
            auto out = std::move(q.messages.front());
            q.messages.pop_front();
            return out;
        }

      private:
        local_job& m_job;
        int m_rank;
    };

    /// Runs `body(channel)` on one thread per rank that is not absent; returns when all ended.
    void run(const std::function<void(rank_channel&)>& body) {
        std::vector<std::thread> threads;
        for (int r = 0; r < m_size; ++r) {
            if (m_absent.count(r) != 0) continue;
            threads.emplace_back([this, r, &body] {
                channel c{*this, r};
                body(c);
            });
        }
        for (auto& t : threads) t.join();
    }

    /// Messages sent so far (all ranks).
    std::size_t sent() const { return m_sent.load(); }

  private:
    struct queue {
        std::mutex mutex;
        std::condition_variable ready;
        std::deque<std::vector<char>> messages;
    };
    queue& at(int from, int to) { return *m_queues[static_cast<std::size_t>(from * m_size + to)]; }

    int m_size;
    std::set<int> m_absent;
    std::vector<std::unique_ptr<queue>> m_queues;
    std::atomic<std::size_t> m_sent{0};
};

}  // namespace tim::test
