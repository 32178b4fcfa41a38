// tim::rank_channel over MPI, through the plugin's point-to-point functions: a send is an
// MPI_Isend tested until it completes, a receive an MPI_Iprobe polled until a message waits, each
// with short sleeps and a deadline, so that a rank that never comes cannot hang the others.
// Messages are byte vectors of at most INT_MAX bytes (one MPI_BYTE count).
#include "timemory/core/mpi.hpp"
#include "timemory/core/mpi_service.hpp"
#include "timemory/core/plugins.hpp"

#include <algorithm>
#include <chrono>
#include <thread>
#include <vector>

namespace tim::mpi {
namespace {

using clock_type = std::chrono::steady_clock;

// Polls start at 20 us (a message usually is there at once) and back off to 1 ms.
class backoff {
  public:
    explicit backoff(double timeout_s)
        : m_deadline{clock_type::now() +
                     std::chrono::duration_cast<clock_type::duration>(
                         std::chrono::duration<double>(std::max(timeout_s, 0.0)))} {}
    bool expired() const { return clock_type::now() >= m_deadline; }
    void wait() {
        std::this_thread::sleep_for(m_pause);
        m_pause = std::min(m_pause * 2, std::chrono::microseconds{1000});
    }

  private:
    clock_type::time_point m_deadline;
    std::chrono::microseconds m_pause{20};
};

class mpi_channel final : public rank_channel {
  public:
    mpi_channel(const mpi_service* service, int rank, int size)
        : m_service{service}, m_rank{rank}, m_size{size} {}

    int rank() const override { return m_rank; }
    int size() const override { return m_size; }

    // Like a buffered send: the message is on its way when this returns, so that two ranks that
    // send to each other before receiving do not wait for each other (a large message waits for
    // its receiver). Sends still pending are completed, within their timeouts, by later calls
    // and at the latest when the channel is destroyed.
    bool send(int dest, const std::vector<char>& bytes, double timeout_s) override {
        void* request = m_service->send_start(dest, bytes.data(), bytes.size());
        if (request == nullptr) return false;
        m_pending.push_back({request, dest, backoff{timeout_s}});
        return progress();
    }

    ~mpi_channel() override {
        backoff pause{0};
        while (!m_pending.empty()) {
            progress();
            pause.wait();
        }
    }

    std::optional<std::vector<char>> receive(int source, double timeout_s) override {
        backoff wait{timeout_s};
        for (;;) {
            const long long bytes = m_service->probe(source);
            if (bytes >= 0) {
                std::vector<char> data(static_cast<std::size_t>(bytes));
                if (m_service->receive(source, data.data(), data.size()) != 0) return std::nullopt;
                return data;
            }
            progress();
            if (wait.expired()) return std::nullopt;
            wait.wait();
        }
    }

    void abandon_sends(int dest) override {
        for (auto it = m_pending.begin(); it != m_pending.end();) {
            if (it->dest != dest) {
                ++it;
                continue;
            }
            if (m_service->send_test(it->request) == 0) m_service->send_abandon(it->request);
            it = m_pending.erase(it);
        }
    }

  private:
    struct pending {
        void* request;
        int dest;
        backoff deadline;
    };

    // Tests the pending sends; one past its deadline is abandoned. False when one failed.
    bool progress() {
        bool ok = true;
        for (auto it = m_pending.begin(); it != m_pending.end();) {
            const int done = m_service->send_test(it->request);
            if (done == 0 && it->deadline.expired()) {
                m_service->send_abandon(it->request);
                ok = false;
            } else if (done == 0) {
                ++it;
                continue;
            }
            if (done < 0) ok = false;
            it = m_pending.erase(it);
        }
        return ok;
    }

    const mpi_service* m_service;
    int m_rank;
    int m_size;
    std::vector<pending> m_pending;
};

}  // namespace

std::unique_ptr<rank_channel> channel() {
    if (!is_initialized() || is_finalized()) return nullptr;
    const auto* service = static_cast<const mpi_service*>(plugins::find("mpi"));
    if (service == nullptr) return nullptr;
    return std::make_unique<mpi_channel>(service, rank(), size());
}

}  // namespace tim::mpi
