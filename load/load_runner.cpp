#include "load/load_runner.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <simdjson.h>

#include "load/player_model.hpp"
#include "load/server_sampler.hpp"

namespace auralis::load {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using strand_t = asio::strand<asio::io_context::executor_type>;

constexpr double inf = std::numeric_limits<double>::infinity();

/// The answer to one request, or why there is none.
struct http_result {
  bool answered = false;    ///< a whole answer was read
  std::string what;         ///< transport failure: connect, write, read, timeout
  int status = 0;           ///< HTTP status
  std::string tier;         ///< X-Cache-Tier
  double chunk_duration = 0; ///< X-Chunk-Duration (0: none)
  bool retry_after = false; ///< a Retry-After header came
  double retry_after_s = 0; ///< its seconds
  std::string body;         ///< the body
};

std::chrono::steady_clock::duration seconds(double s) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(
    std::chrono::duration<double>(std::max(0.0, s)));
}

/// One keep-alive connection; all calls on its strand. One request at a time. A request
/// on a connection the server closed while idle is sent again once on a new one.
class http_conn : public std::enable_shared_from_this<http_conn> {
public:
  using done_fn = std::function<void(http_result)>;

  http_conn(strand_t strand, tcp::endpoint endpoint, double timeout_s, std::string token)
    : stream_(strand), endpoint_(endpoint), timeout_s_(timeout_s), token_(std::move(token)) {}

  /// Sends a request (connecting first when needed) and calls `done` with the answer.
  void send(const std::string& method, const std::string& target, const std::string& body,
            done_fn done) {
    done_ = std::move(done);
    req_ = {};
    req_.method(bhttp::string_to_verb(method));
    req_.target(target);
    req_.version(11);
    req_.set(bhttp::field::host, endpoint_.address().to_string());
    req_.keep_alive(true);
    if (!token_.empty())
      req_.set(bhttp::field::authorization, "Bearer " + token_);
    if (!body.empty()) {
      req_.set(bhttp::field::content_type, "application/json");
      req_.body() = body;
    }
    req_.prepare_payload();
    stream_.expires_after(seconds(timeout_s_));
    reused_ = connected_;
    if (connected_)
      return write();
    connect();
  }

  /// Closes the connection.
  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
    connected_ = false;
  }

private:
  void connect() {
    stream_.async_connect(endpoint_, [self = shared_from_this()](beast::error_code ec) {
      if (ec)
        return self->fail(ec == beast::error::timeout ? "timeout" : "connect");
      self->connected_ = true;
      self->write();
    });
  }

  /// A kept-alive connection the server closed while it was idle fails the next request
  /// before any answer byte arrives: that request goes again once on a new connection, as
  /// a browser does. Anything else is the request's failure.
  bool retry_on_new_connection(const beast::error_code& ec) {
    if (!reused_ || ec == beast::error::timeout || (parser_ && parser_->got_some()))
      return false;
    reused_ = false;
    close();
    buffer_.clear();
    parser_.reset();
    connect();
    return true;
  }

  void write() {
    bhttp::async_write(stream_, req_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec && self->retry_on_new_connection(ec))
        return;
      if (ec)
        return self->fail(ec == beast::error::timeout ? "timeout" : "write");
      self->parser_.emplace();
      self->parser_->body_limit(256 * 1024 * 1024);
      bhttp::async_read(self->stream_, self->buffer_, *self->parser_,
                        [self](beast::error_code e, std::size_t) { self->on_read(e); });
    });
  }

  void on_read(beast::error_code ec) {
    if (ec && retry_on_new_connection(ec))
      return;
    if (ec)
      return fail(ec == beast::error::timeout ? "timeout" : "read");
    auto res = parser_->release();
    parser_.reset();
    http_result r;
    r.answered = true;
    r.status = static_cast<int>(res.result_int());
    r.tier = std::string(res["X-Cache-Tier"]);
    if (auto d = res["X-Chunk-Duration"]; !d.empty())
      r.chunk_duration = std::strtod(std::string(d).c_str(), nullptr);
    if (auto ra = res[bhttp::field::retry_after]; !ra.empty()) {
      r.retry_after = true;
      r.retry_after_s = std::strtod(std::string(ra).c_str(), nullptr);
    }
    const bool keep = res.keep_alive();
    r.body = std::move(res.body());
    if (!keep)
      close();
    finish(std::move(r));
  }

  void fail(const char* what) {
    close();
    buffer_.clear();
    http_result r;
    r.what = what;
    finish(std::move(r));
  }

  void finish(http_result r) {
    auto done = std::move(done_);
    done_ = nullptr;
    if (done)
      done(std::move(r));
  }

  beast::tcp_stream stream_;
  tcp::endpoint endpoint_;
  double timeout_s_;
  std::string token_;
  bool connected_ = false;
  bool reused_ = false; ///< the request out went on a connection kept alive from before
  beast::flat_buffer buffer_;
  bhttp::request<bhttp::string_body> req_;
  std::optional<bhttp::response_parser<bhttp::string_body>> parser_;
  done_fn done_;
};

/// What every task of a run shares.
struct run_state {
  scenario plan;
  runner_options options;
  asio::io_context ioc;
  tcp::endpoint endpoint;
  std::vector<track_ref> tracks;
  std::vector<double> weights;
  double chunk_s = 1;
  std::chrono::steady_clock::time_point t0 = std::chrono::steady_clock::now();
  double measure_from = 0;
  std::atomic<double> end{0};
  load_metrics metrics;
  std::optional<server_sampler> sampler;

  std::mutex live_mutex;
  std::condition_variable live_cv;
  int live = 0; ///< tasks not finished yet

  double now() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  bool over(double t) const { return t >= end.load(); }
  void task_started() {
    std::lock_guard lock(live_mutex);
    ++live;
  }
  void task_done() {
    std::lock_guard lock(live_mutex);
    if (--live == 0)
      live_cv.notify_all();
  }
};

/// Outcome of an answer to a normal (not attacker) request.
request_outcome outcome_of(const http_result& r) {
  if (!r.answered)
    return request_outcome::transport_error;
  if (r.status >= 200 && r.status < 300)
    return request_outcome::ok;
  if (r.status == 503 && r.retry_after)
    return request_outcome::retry_after_503;
  return request_outcome::http_error;
}

/// One listener session: a player_model driving two connections on one strand, one per
/// request lane.
class listener : public std::enable_shared_from_this<listener> {
public:
  listener(run_state& st, int index, double start, double lifetime)
    : st_(st), index_(index), start_(start), lifetime_(lifetime),
      strand_(asio::make_strand(st.ioc)), timer_(strand_) {
    for (auto& c : conns_)
      c = std::make_shared<http_conn>(strand_, st.endpoint, st.plan.request_timeout_s,
                                      st.options.token);
  }

  /// Waits for the start time, then plays.
  void start() {
    st_.task_started();
    timer_.expires_after(seconds(start_ - st_.now()));
    timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec)
        return self->finish(self->st_.now());
      self->begin();
    });
  }

private:
  void begin() {
    const double now = st_.now();
    if (st_.over(now)) {
      done_ = true;
      return st_.task_done();
    }
    end_ = std::min(st_.end.load(), now + lifetime_);
    const std::string id = "load-" + std::to_string(st_.plan.seed) + "-" + std::to_string(index_);
    model_.emplace(id, st_.plan.behaviour, st_.tracks, st_.weights, st_.chunk_s, st_.plan.speed,
                   st_.plan.seed * 1000003ULL + static_cast<std::uint64_t>(index_), now,
                   st_.measure_from);
    st_.metrics.session_delta(+1);
    pump();
  }

  /// Sends what is due on each lane with nothing out; waits for the next due time while
  /// a lane is free. At the end, waits for both lanes' answers, then finishes.
  void pump() {
    if (done_)
      return;
    const double now = st_.now();
    end_ = std::min(end_, st_.end.load());
    if (now >= end_) {
      if (!busy_[0] && !busy_[1])
        finish(now);
      return; // otherwise the last answer finishes
    }
    for (auto lane : {request_lane::action, request_lane::background}) {
      const auto i = static_cast<std::size_t>(lane);
      if (busy_[i])
        continue;
      auto req = model_->take_request(now, lane);
      if (!req)
        continue;
      busy_[i] = true;
      auto r = std::make_shared<planned_request>(std::move(*req));
      conns_[i]->send(r->method, r->target, r->body,
                      [self = shared_from_this(), r](http_result res) { self->on_result(*r, res); });
    }
    flush_underruns();
    if (busy_[0] && busy_[1])
      return; // an answer pumps again
    const double wake = std::min({model_->next_wakeup(), end_, now + 0.25});
    timer_.expires_after(seconds(wake - now));
    timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (!ec)
        self->pump();
    });
  }

  void on_result(const planned_request& r, const http_result& res) {
    const double now = st_.now();
    busy_[static_cast<std::size_t>(r.lane)] = false;
    auto outcome = outcome_of(res);
    const bool chunk = is_chunk_fetch(r.kind);
    std::string what = res.what;
    if (outcome == request_outcome::ok && chunk && res.body.empty()) {
      outcome = request_outcome::transport_error; // a chunk answer without audio
      what = "empty_body";
    }
    if (chunk && outcome == request_outcome::ok && !r.last_chunk && res.chunk_duration > 0)
      model_->set_chunk_seconds(res.chunk_duration);
    if (r.due >= st_.measure_from)
      st_.metrics.record(r.kind, chunk ? tier_of(res.tier) : cache_tier::none, outcome,
                         res.status, (now - r.due) * 1e3, res.body.size(), what);
    else if (outcome != request_outcome::ok)
      st_.metrics.record_warmup_error();
    model_->on_response(r, now, outcome == request_outcome::ok, res.retry_after_s);
    pump();
  }

  void flush_underruns() {
    const int u = model_->underruns();
    const double s = model_->stall_s();
    st_.metrics.add_underruns(static_cast<std::uint64_t>(u - underruns_seen_), s - stall_seen_);
    underruns_seen_ = u;
    stall_seen_ = s;
  }

  void finish(double now) {
    if (done_)
      return;
    done_ = true;
    timer_.cancel();
    if (model_) {
      model_->finish(now);
      flush_underruns();
      st_.metrics.session_delta(-1);
    }
    for (auto& c : conns_)
      c->close();
    st_.task_done();
  }

  run_state& st_;
  int index_;
  double start_;
  double lifetime_;
  double end_ = 0;
  strand_t strand_;
  asio::steady_timer timer_;
  std::array<std::shared_ptr<http_conn>, request_lane_count> conns_; ///< one per lane
  std::optional<player_model> model_;
  std::array<bool, request_lane_count> busy_{}; ///< per lane: a request is out
  bool done_ = false;
  int underruns_seen_ = 0;
  double stall_seen_ = 0;
};

/// A periodic or Poisson task with its own connection: the stats sampler, the cache
/// clearer, an attacker.
class ticker : public std::enable_shared_from_this<ticker> {
public:
  /// Sends the request of one tick; `now` is the tick's due time.
  using tick_fn = std::function<void(ticker&, double due)>;

  ticker(run_state& st, double first, std::function<double(std::mt19937_64&)> gap, tick_fn tick,
         std::uint64_t seed)
    : st_(st), strand_(asio::make_strand(st.ioc)), timer_(strand_), next_(first),
      gap_(std::move(gap)), tick_(std::move(tick)), rng_(seed) {
    conn = std::make_shared<http_conn>(strand_, st.endpoint, st.plan.request_timeout_s,
                                       st.options.token);
  }

  void start() {
    st_.task_started();
    asio::post(strand_, [self = shared_from_this()] { self->pump(); });
  }

  /// The tick's request is answered: go on.
  void done() {
    busy_ = false;
    pump();
  }

  std::shared_ptr<http_conn> conn;
  std::mt19937_64& rng() { return rng_; }

private:
  void pump() {
    if (finished_ || busy_)
      return;
    const double now = st_.now();
    if (st_.over(now) || st_.over(next_)) {
      finished_ = true;
      timer_.cancel();
      conn->close();
      return st_.task_done();
    }
    if (next_ <= now) {
      const double due = next_;
      next_ += gap_(rng_);
      busy_ = true;
      tick_(*this, due);
      return;
    }
    timer_.expires_after(seconds(std::min(next_, now + 0.25) - now));
    timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (!ec)
        self->pump();
    });
  }

  run_state& st_;
  strand_t strand_;
  asio::steady_timer timer_;
  double next_;
  std::function<double(std::mt19937_64&)> gap_;
  tick_fn tick_;
  std::mt19937_64 rng_;
  bool busy_ = false;
  bool finished_ = false;
};

/// A malformed request of an attacker.
struct attack {
  const char* type;   ///< its name in the report
  const char* method; ///< GET or POST
  std::string target; ///< path and query
  std::string body;   ///< body of a POST
};

std::vector<attack> attacks_on(std::int64_t track) {
  const std::string t = std::to_string(track);
  const std::string stream = "/api/audio/stream/" + t + "/chunk/";
  return {
    {"bad_json", "POST", "/api/player/position", R"({"track_id":)" + t + ","},
    {"wrong_type", "POST", "/api/player/position",
     R"({"track_id":")" + t + R"(","position":1,"preset":"warm","intensity":1})"},
    {"unknown_preset", "GET", stream + "0?preset=loud&session_id=attacker", ""},
    {"negative_chunk", "GET", stream + "-1?preset=warm&session_id=attacker", ""},
    {"bad_query", "GET", stream + "0?preset=warm&session_id=%zz", ""},
    {"bad_intensity", "GET", stream + "0?preset=warm&intensity=1.5", ""},
    {"unknown_route", "GET", "/api/nothing", ""},
  };
}

std::string fmt_num(const std::map<std::string, double>& m, const char* key, const char* fmt) {
  const auto it = m.find(key);
  if (it == m.end())
    return "-";
  char b[32];
  std::snprintf(b, sizeof b, fmt, it->second);
  return b;
}

/// Reads GET /api/library/tracks (blocking, with the request timeout).
std::vector<track_ref> read_tracks(const tcp::endpoint& endpoint, const std::string& url,
                                   double timeout_s) {
  asio::io_context ioc;
  auto conn = std::make_shared<http_conn>(asio::make_strand(ioc), endpoint, timeout_s, "");
  http_result res;
  conn->send("GET", "/api/library/tracks", "", [&](http_result r) { res = std::move(r); });
  ioc.run();
  conn->close();
  if (!res.answered)
    throw load_error("cannot reach " + url + " (" + (res.what.empty() ? "no answer" : res.what) +
                     " failed): is the server running?");
  if (res.status != 200)
    throw load_error(url + "/api/library/tracks answered " + std::to_string(res.status));
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  simdjson::padded_string padded(res.body);
  simdjson::dom::array list;
  if (parser.parse(padded).get(root) != simdjson::SUCCESS || root["tracks"].get(list) != simdjson::SUCCESS)
    throw load_error(url + "/api/library/tracks: not the expected JSON");
  std::vector<track_ref> tracks;
  for (auto t : list) {
    track_ref r;
    std::int64_t chunks = 0;
    if (t["id"].get(r.id) != simdjson::SUCCESS || t["duration_s"].get(r.duration_s) != simdjson::SUCCESS ||
        t["chunks"].get(chunks) != simdjson::SUCCESS)
      throw load_error(url + "/api/library/tracks: a track without id, duration_s or chunks");
    r.chunks = static_cast<int>(chunks);
    if (r.chunks > 0 && r.duration_s > 0)
      tracks.push_back(r);
  }
  if (tracks.empty())
    throw load_error(url + ": the library lists no playable track");
  return tracks;
}

} // namespace

load_runner::load_runner(scenario plan, runner_options options)
  : plan_(std::move(plan)), options_(std::move(options)) {}

load_report load_runner::run() {
  run_state st;
  st.plan = plan_;
  st.options = options_;
  const auto& plan = st.plan;
  const std::string url = "http://" + options_.host + ":" + std::to_string(options_.port);
  {
    asio::io_context rioc;
    tcp::resolver resolver(rioc);
    beast::error_code ec;
    auto results = resolver.resolve(options_.host, std::to_string(options_.port), ec);
    if (ec || results.empty())
      throw load_error("cannot resolve " + options_.host + ": " + ec.message());
    st.endpoint = results.begin()->endpoint();
  }
  st.tracks = read_tracks(st.endpoint, url, plan.request_timeout_s);
  if (plan.tracks.max_tracks > 0 && st.tracks.size() > static_cast<std::size_t>(plan.tracks.max_tracks))
    st.tracks.resize(static_cast<std::size_t>(plan.tracks.max_tracks));
  for (std::size_t i = 0; i < st.tracks.size(); ++i)
    st.weights.push_back(plan.tracks.popularity == popularity_mode::zipf
                           ? 1.0 / std::pow(static_cast<double>(i + 1), plan.tracks.zipf_exponent)
                           : 1.0);
  st.chunk_s = player_model::estimate_chunk_seconds(st.tracks);

  std::optional<int> pid = options_.pid;
  if (!pid && st.endpoint.address().is_loopback())
    pid = server_sampler::find_pid_by_port(options_.port);
  if (pid)
    st.sampler.emplace(*pid);

  // The schedule. A capacity search runs its steps; otherwise the scenario's duration.
  const auto& cap = plan.capacity;
  int cap_steps = 0;
  double duration = plan.duration_s;
  if (cap.enabled) {
    cap_steps = 1 + (cap.max_sessions - cap.start_sessions + cap.step_sessions - 1) / cap.step_sessions;
    duration = std::min(plan.duration_s, cap_steps * cap.step_s);
  }
  st.t0 = std::chrono::steady_clock::now();
  st.end = duration;
  st.measure_from = cap.enabled ? 0 : plan.warmup_s;

  std::mt19937_64 rng(plan.seed);
  int next_index = 0;
  auto start_listener = [&st, &next_index, &rng](double at) {
    double life = inf;
    if (st.plan.lifetime.enabled) {
      std::exponential_distribution<double> d(1.0 / st.plan.lifetime.mean_s);
      life = st.plan.lifetime.min_s + d(rng);
    }
    std::make_shared<listener>(st, next_index++, at, life)->start();
  };

  const int first_sessions = cap.enabled ? cap.start_sessions : plan.sessions;
  double arrival = 0;
  for (int i = 0; i < first_sessions; ++i) {
    double at = 0;
    if (!cap.enabled) {
      if (plan.arrivals.mode == arrival_mode::ramp)
        at = plan.arrivals.ramp_s * i / std::max(1, plan.sessions);
      else if (plan.arrivals.mode == arrival_mode::poisson) {
        arrival += std::exponential_distribution<double>(plan.arrivals.rate)(rng);
        at = arrival;
      }
    }
    if (at >= duration)
      break;
    start_listener(at);
  }

  // The stats sampler (and the /proc sample on the same tick).
  auto sampler = std::make_shared<ticker>(
    st, 0.0, [&plan](std::mt19937_64&) { return plan.stats_interval_s; },
    [&st](ticker& t, double due) {
      if (st.sampler)
        if (auto p = st.sampler->sample())
          st.metrics.process_sample(p->rss_mb, p->rss_shmem_mb, p->fds);
      auto self = t.shared_from_this();
      t.conn->send("GET", "/api/cache/stats", "", [&st, self, due](http_result res) {
        const auto outcome = outcome_of(res);
        if (due >= st.measure_from)
          st.metrics.record(request_kind::stats, cache_tier::none, outcome, res.status,
                            (st.now() - due) * 1e3, res.body.size(), res.what);
        else if (outcome != request_outcome::ok)
          st.metrics.record_warmup_error();
        if (outcome == request_outcome::ok)
          st.metrics.server_sample(server_sampler::flatten_numbers(res.body));
        self->done();
      });
    },
    plan.seed ^ 0x5151);
  sampler->start();

  if (plan.clear_per_min > 0) {
    const double rate = plan.clear_per_min / 60.0;
    auto gap = [rate](std::mt19937_64& r) { return std::exponential_distribution<double>(rate)(r); };
    std::mt19937_64 first_rng(plan.seed ^ 0xc1ea);
    auto clearer = std::make_shared<ticker>(
      st, gap(first_rng), gap,
      [&st](ticker& t, double due) {
        auto self = t.shared_from_this();
        t.conn->send("POST", "/api/cache/clear", "", [&st, self, due](http_result res) {
          const auto outcome = outcome_of(res);
          if (due >= st.measure_from)
            st.metrics.record(request_kind::clear, cache_tier::none, outcome, res.status,
                              (st.now() - due) * 1e3, res.body.size(), res.what);
          else if (outcome != request_outcome::ok)
            st.metrics.record_warmup_error();
          self->done();
        });
      },
      plan.seed ^ 0xc1ea);
    clearer->start();
  }

  const auto bad = attacks_on(st.tracks.front().id);
  for (int a = 0; a < plan.attackers.sessions; ++a) {
    const double rate = plan.attackers.rate;
    auto gap = [rate](std::mt19937_64& r) { return std::exponential_distribution<double>(rate)(r); };
    auto attacker = std::make_shared<ticker>(
      st, 0.0, gap,
      [&st, &bad](ticker& t, double) {
        const auto& pick = bad[std::uniform_int_distribution<std::size_t>(0, bad.size() - 1)(t.rng())];
        auto self = t.shared_from_this();
        const std::string type = pick.type;
        t.conn->send(pick.method, pick.target, pick.body, [&st, self, type](http_result res) {
          st.metrics.record_attack(type, res.answered ? res.status : 0);
          self->done();
        });
      },
      plan.seed * 7919 + static_cast<std::uint64_t>(a));
    attacker->start();
  }

  // Progress, capacity steps: one control ticker on the caller's side of the run.
  run_info info;
  info.plan = plan;
  info.url = url;
  info.server_pid = pid;
  info.attackers = plan.attackers.sessions;
  std::uint64_t last_requests = 0;
  int sessions_now = first_sessions;
  double next_step = cap.enabled ? cap.step_s : inf;
  double next_progress = 1;
  auto control = std::make_shared<asio::steady_timer>(st.ioc);
  std::function<void(beast::error_code)> on_control;
  // Judges the capacity step ending at `now`: true when the search goes on (sessions
  // added), false when it stops (a breach, or the largest step held).
  auto judge_step = [&](double now) {
    auto w = st.metrics.take_window(cap.step_s);
    capacity_step step;
    step.sessions = sessions_now;
    step.metrics = w.metrics();
    for (const auto& r : load_report::evaluate(plan.thresholds, step.metrics))
      if (r.outcome != threshold_outcome::held)
        step.breaches.push_back(r.condition.text());
    step.held = step.breaches.empty();
    info.steps.push_back(step);
    if (step.held)
      info.capacity_sessions = sessions_now;
    if (!step.held || sessions_now >= cap.max_sessions || st.over(now)) {
      st.end = std::min(st.end.load(), now); // every task sees the end and stops
      return false;
    }
    const int add = std::min(cap.step_sessions, cap.max_sessions - sessions_now);
    for (int i = 0; i < add; ++i)
      start_listener(now);
    sessions_now += add;
    return true;
  };
  st.task_started();
  on_control = [&](beast::error_code ec) {
    const double now = st.now();
    // A capacity step ending with the run is still judged.
    if (!ec && now >= next_step && judge_step(now))
      next_step += cap.step_s;
    else if (now >= next_step)
      next_step = inf;
    if (ec || st.over(now)) {
      if (options_.progress)
        *options_.progress << "\n" << std::flush;
      return st.task_done();
    }
    if (now >= next_progress) {
      next_progress += 1;
      if (options_.progress) {
        const auto f = st.metrics.figures();
        const auto m = f.metrics();
        const auto req = f.requests();
        char line[256];
        std::snprintf(line, sizeof line,
                      "\r%6.1f/%.0f s%s  sessions %d  req/s %.1f  hit %s  switch p95 %s ms  underruns %llu  errors %llu  RSS %s MB\x1b[K",
                      now, st.end.load(), now < st.measure_from ? " (warm-up)" : "",
                      f.sessions_active, static_cast<double>(req - last_requests),
                      fmt_num(m, "hit_rate", "%.2f").c_str(), fmt_num(m, "switch_ms_p95", "%.1f").c_str(),
                      static_cast<unsigned long long>(f.underruns),
                      static_cast<unsigned long long>(f.errors()),
                      fmt_num(m, "rss_mb", "%.1f").c_str());
        *options_.progress << line << std::flush;
        last_requests = req;
      }
    }
    control->expires_after(seconds(std::min({next_progress, next_step, st.end.load()}) - now));
    control->async_wait(on_control);
  };
  control->expires_after(seconds(0.0));
  control->async_wait(on_control);

  // The event loops run until every task is done; a request out at the end gets at most
  // one request timeout (its stream's deadline) and a margin.
  auto guard = asio::make_work_guard(st.ioc);
  const int threads = std::clamp(options_.threads, 1, 4);
  std::vector<std::thread> pool;
  for (int i = 0; i < threads; ++i)
    pool.emplace_back([&st] { st.ioc.run(); });
  {
    std::unique_lock lock(st.live_mutex);
    // The end may move earlier (capacity); re-check it every second.
    while (st.live > 0) {
      const double limit = st.end.load() + plan.request_timeout_s + 2;
      if (st.now() > limit)
        break;
      st.live_cv.wait_for(lock, std::chrono::seconds(1));
    }
  }
  guard.reset();
  st.ioc.stop();
  for (auto& t : pool)
    t.join();

  info.elapsed_s = st.now();
  const double measured = std::max(0.0, std::min(st.end.load(), info.elapsed_s) - st.measure_from);
  st.metrics.set_measured_s(measured);
  auto figures = st.metrics.figures();
  std::vector<threshold_result> results;
  if (!cap.enabled)
    results = load_report::evaluate(plan.thresholds, figures.metrics());
  return load_report(std::move(info), std::move(figures), std::move(results));
}

} // namespace auralis::load
