/*
 * netlens_pcap: a small N-API (node_api.h only, ABI-stable) binding over libpcap.
 *
 * Exports:
 *   openLive({iface, snaplen, promisc, immediate, bufferSize, nanosecond, filter, timeoutMs,
 *             ringBytes, captureNice, jsNice})
 *       -> handle { linkType, dlt, nanosecond, snaplen, maxRecord, ringBytes, warning?,
 *                   start(buffer, cb), stop(), stats(), inject(buffer), close() }
 *   findAllDevs() -> [{name, description, addresses: [{addr, netmask}], flags: {up, running, loopback, wireless}}]
 *   compileFilter(linkType, snaplen, expr[, swapped]) -> Uint32Array (code, jt, jf, k per instruction),
 *       compiled with savefile semantics, as tcpdump -r compiles it
 *
 * A capture thread per handle, as dumpcap is a process apart from Wireshark:
 * created at openLive (so that it can be given a higher priority while the
 * process still may, before -Z drops root), it waits for start(), then loops
 * poll() on the pcap fd and an eventfd, and pcap_dispatch()es everything into
 * a ring of records
 *
 *     u32 tsSec | u32 tsNsec | u32 caplen | u32 len | caplen bytes | pad to 4
 *
 * (all little-endian; a record that does not fit before the ring's end leaves a
 * wrap mark and starts again at 0). One producer (the thread), one consumer
 * (the JS thread): head and tail are atomics. A packet that finds the ring
 * full is counted (stats().ringDropped), never silently lost. After each
 * dispatch the thread wakes the JS thread with a uv_async_t; there records are
 * copied into the JS-owned buffer given to start() and the JS callback is
 * called ONCE per batch with (count, bytesUsed). stop() tells the thread to
 * read what libpcap still holds and exit, joins it, and delivers what is left
 * in the ring synchronously. libpcap's handle is not thread-safe: dispatch,
 * pcap_stats and pcap_inject take a mutex.
 *
 * Errors are thrown as JS Errors whose `code` says what happened
 * (PERM_DENIED, PROMISC_PERM_DENIED, NO_SUCH_DEVICE, IFACE_NOT_UP,
 * RFMON_NOTSUP, BAD_FILTER, PCAP_ERROR, EINVAL, NO_LIBPCAP) and whose message
 * is libpcap's own text.
 *
 * libpcap is not linked: it is dlopen()ed when the module loads (the .node has
 * no DT_NEEDED on it, so one prebuilt binary serves every distribution's
 * soname, and a machine without libpcap still loads the module). Then
 * `libpcapError` is null and `libpcapName` the soname that was loaded; without
 * libpcap `libpcapError` says why, and every function throws NO_LIBPCAP.
 * libpcap's headers are still needed to compile this file (libpcap-dev).
 */
#include <node_api.h>
#include <uv.h>
#include <pcap/pcap.h>

#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* A prebuilt binary must load on every glibc Node 20 runs on (2.28 and later):
 * glibc 2.34 moved these functions from libdl and libpthread into libc under a
 * new symbol version, which an older glibc does not have. Ask for the versions
 * every glibc has (binding.gyp links libdl and libpthread, where they lived). */
#if defined(__linux__) && defined(__GLIBC__) && (defined(__x86_64__) || defined(__aarch64__))
#if defined(__x86_64__)
#define GLIBC_BASE "GLIBC_2.2.5"
#else
#define GLIBC_BASE "GLIBC_2.17"
#endif
__asm__(".symver dlopen,dlopen@" GLIBC_BASE);
__asm__(".symver dlsym,dlsym@" GLIBC_BASE);
__asm__(".symver dlerror,dlerror@" GLIBC_BASE);
__asm__(".symver dlclose,dlclose@" GLIBC_BASE);
__asm__(".symver pthread_create,pthread_create@" GLIBC_BASE);
__asm__(".symver pthread_join,pthread_join@" GLIBC_BASE);
__asm__(".symver pthread_once,pthread_once@" GLIBC_BASE);
#endif

#define REC_HDR 16u
#define MAX_BATCHES_PER_WAKEUP 64

#define NAPI_OK_OR(call, ret)                                                   \
  do {                                                                          \
    if ((call) != napi_ok) {                                                    \
      throw_last(env);                                                          \
      return ret;                                                               \
    }                                                                           \
  } while (0)

static void throw_last(napi_env env) {
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (pending) return;
  const napi_extended_error_info *info = NULL;
  napi_get_last_error_info(env, &info);
  napi_throw_error(env, "EINVAL",
                   info && info->error_message ? info->error_message : "N-API call failed");
}

/* ---------------------------------------------------------------- libpcap, loaded at run time */

/* Every libpcap function this file calls. Each becomes a pointer in pcap_fn
 * with the type pcap.h declares, and the #defines below turn the usual calls
 * (pcap_dispatch(...)) into calls through it. */
#define PCAP_FUNCTIONS(X) \
  X(pcap_activate) \
  X(pcap_close) \
  X(pcap_compile) \
  X(pcap_create) \
  X(pcap_datalink) \
  X(pcap_dispatch) \
  X(pcap_findalldevs) \
  X(pcap_fopen_offline) \
  X(pcap_freealldevs) \
  X(pcap_freecode) \
  X(pcap_get_selectable_fd) \
  X(pcap_get_tstamp_precision) \
  X(pcap_geterr) \
  X(pcap_inject) \
  X(pcap_lib_version) \
  X(pcap_lookupnet) \
  X(pcap_open_dead) \
  X(pcap_set_buffer_size) \
  X(pcap_set_immediate_mode) \
  X(pcap_set_promisc) \
  X(pcap_set_snaplen) \
  X(pcap_set_timeout) \
  X(pcap_set_tstamp_precision) \
  X(pcap_setfilter) \
  X(pcap_setnonblock) \
  X(pcap_snapshot) \
  X(pcap_stats) \
  X(pcap_statustostr)

#define PCAP_FN_FIELD(name) __typeof__(name) *name;
static struct {
  void *lib;
  PCAP_FUNCTIONS(PCAP_FN_FIELD)
} pcap_fn;

/* The sonames distributions install with the runtime package alone: Debian and
 * Ubuntu's libpcap0.8 has libpcap.so.0.8, Fedora, Arch and Alpine's libpcap has
 * libpcap.so.1; libpcap.so is the development symlink. */
static const char *const PCAP_SONAMES[] = {
#ifdef __APPLE__
  "libpcap.A.dylib", "libpcap.dylib",
#else
  "libpcap.so.0.8", "libpcap.so.1", "libpcap.so",
#endif
};

static char libpcap_error[512]; /* why libpcap could not be loaded ("" when it was) */
static const char *libpcap_name; /* the soname that was loaded */

/* dlopen()s the first soname present and resolves every function; on failure
 * pcap_fn.lib stays NULL and libpcap_error says why. */
static void load_libpcap(void) {
  char first_err[256] = "";
  size_t names = sizeof PCAP_SONAMES / sizeof PCAP_SONAMES[0];
  for (size_t i = 0; i < names; i++) {
    void *lib = dlopen(PCAP_SONAMES[i], RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
      const char *e = dlerror();
      if (!first_err[0]) snprintf(first_err, sizeof first_err, "%s", e ? e : PCAP_SONAMES[i]);
      continue;
    }
    const char *missing = NULL;
#define PCAP_FN_LOAD(name) \
    if (!missing && !(pcap_fn.name = (__typeof__(pcap_fn.name))dlsym(lib, #name))) missing = #name;
    PCAP_FUNCTIONS(PCAP_FN_LOAD)
#undef PCAP_FN_LOAD
    if (missing) {
      snprintf(libpcap_error, sizeof libpcap_error, "%s has no %s (libpcap 1.5 or later is needed)", PCAP_SONAMES[i], missing);
      dlclose(lib);
      memset(&pcap_fn, 0, sizeof pcap_fn);
      return;
    }
    pcap_fn.lib = lib;
    libpcap_name = PCAP_SONAMES[i];
    libpcap_error[0] = 0;
    return;
  }
  snprintf(libpcap_error, sizeof libpcap_error, "%s", first_err);
}

#define pcap_activate pcap_fn.pcap_activate
#define pcap_close pcap_fn.pcap_close
#define pcap_compile pcap_fn.pcap_compile
#define pcap_create pcap_fn.pcap_create
#define pcap_datalink pcap_fn.pcap_datalink
#define pcap_dispatch pcap_fn.pcap_dispatch
#define pcap_findalldevs pcap_fn.pcap_findalldevs
#define pcap_fopen_offline pcap_fn.pcap_fopen_offline
#define pcap_freealldevs pcap_fn.pcap_freealldevs
#define pcap_freecode pcap_fn.pcap_freecode
#define pcap_get_selectable_fd pcap_fn.pcap_get_selectable_fd
#define pcap_get_tstamp_precision pcap_fn.pcap_get_tstamp_precision
#define pcap_geterr pcap_fn.pcap_geterr
#define pcap_inject pcap_fn.pcap_inject
#define pcap_lib_version pcap_fn.pcap_lib_version
#define pcap_lookupnet pcap_fn.pcap_lookupnet
#define pcap_open_dead pcap_fn.pcap_open_dead
#define pcap_set_buffer_size pcap_fn.pcap_set_buffer_size
#define pcap_set_immediate_mode pcap_fn.pcap_set_immediate_mode
#define pcap_set_promisc pcap_fn.pcap_set_promisc
#define pcap_set_snaplen pcap_fn.pcap_set_snaplen
#define pcap_set_timeout pcap_fn.pcap_set_timeout
#define pcap_set_tstamp_precision pcap_fn.pcap_set_tstamp_precision
#define pcap_setfilter pcap_fn.pcap_setfilter
#define pcap_setnonblock pcap_fn.pcap_setnonblock
#define pcap_snapshot pcap_fn.pcap_snapshot
#define pcap_stats pcap_fn.pcap_stats
#define pcap_statustostr pcap_fn.pcap_statustostr

/* Throws NO_LIBPCAP and returns 1 when libpcap could not be loaded. */
static int no_libpcap(napi_env env) {
  if (pcap_fn.lib) return 0;
  char msg[sizeof libpcap_error + 128];
  snprintf(msg, sizeof msg, "libpcap could not be loaded (%s): install libpcap0.8 (Debian, Ubuntu) or libpcap (Fedora)", libpcap_error);
  napi_throw_error(env, "NO_LIBPCAP", msg);
  return 1;
}

/* ---------------------------------------------------------------- DLT <-> LINKTYPE */

/* The subset of libpcap's dlt_to_linktype() that differs between DLT_ and LINKTYPE_. */
static int dlt_to_linktype(int dlt) {
  if (dlt == DLT_RAW) return 101;          /* DLT_RAW is 12 or 14 depending on the OS */
  if (dlt == 12 || dlt == 14) return 101;  /* raw IP on other platforms' numbering */
  if (dlt == DLT_ATM_RFC1483) return 100;
  if (dlt == DLT_SLIP_BSDOS) return 102;
  if (dlt == DLT_PPP_BSDOS) return 103;
#ifdef DLT_ATM_CLIP
  if (dlt == DLT_ATM_CLIP) return 106;
#endif
#if defined(DLT_LOOP) && DLT_LOOP != 108
  if (dlt == DLT_LOOP) return 108;
#endif
#if defined(DLT_PFSYNC) && DLT_PFSYNC != 246
  if (dlt == DLT_PFSYNC) return 246;
#endif
  return dlt;
}

/* Mirrors libpcap's linktype_to_dlt() so that compileFilter() compiles exactly
 * what tcpdump compiles for a savefile with this link type. */
static int linktype_to_dlt(int lt) {
  switch (lt) {
    case 100: return DLT_ATM_RFC1483;
    case 101: return DLT_RAW;
    case 102: return DLT_SLIP_BSDOS;
    case 103: return DLT_PPP_BSDOS;
#ifdef DLT_ATM_CLIP
    case 106: return DLT_ATM_CLIP;
#endif
#if defined(DLT_LOOP)
    case 108: return DLT_LOOP;
#endif
#if defined(DLT_PFSYNC)
    case 246: return DLT_PFSYNC;
#endif
    default: return lt;
  }
}

/* ---------------------------------------------------------------- small helpers */

static inline void put32le(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)(v >> 16);
  p[3] = (uint8_t)(v >> 24);
}

static inline uint32_t get32le(const uint8_t *p) {
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

/* Reads a string argument into a malloc'd C string (caller frees). */
static char *get_string(napi_env env, napi_value v) {
  size_t len = 0;
  if (napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok) return NULL;
  char *s = malloc(len + 1);
  if (!s) return NULL;
  if (napi_get_value_string_utf8(env, v, s, len + 1, &len) != napi_ok) {
    free(s);
    return NULL;
  }
  return s;
}

static bool has_prop(napi_env env, napi_value obj, const char *name, napi_value *out) {
  bool has = false;
  if (napi_has_named_property(env, obj, name, &has) != napi_ok || !has) return false;
  if (napi_get_named_property(env, obj, name, out) != napi_ok) return false;
  napi_valuetype t;
  napi_typeof(env, *out, &t);
  return t != napi_undefined && t != napi_null;
}

static int opt_int(napi_env env, napi_value obj, const char *name, int dflt) {
  napi_value v;
  int32_t r;
  if (!has_prop(env, obj, name, &v)) return dflt;
  if (napi_get_value_int32(env, v, &r) != napi_ok) return dflt;
  return r;
}

static bool opt_bool(napi_env env, napi_value obj, const char *name, bool dflt) {
  napi_value v;
  bool r;
  if (!has_prop(env, obj, name, &v)) return dflt;
  if (napi_coerce_to_bool(env, v, &v) != napi_ok) return dflt;
  if (napi_get_value_bool(env, v, &r) != napi_ok) return dflt;
  return r;
}

static char *opt_string(napi_env env, napi_value obj, const char *name) {
  napi_value v;
  if (!has_prop(env, obj, name, &v)) return NULL;
  return get_string(env, v);
}

static void set_str(napi_env env, napi_value obj, const char *name, const char *s) {
  napi_value v;
  if (s == NULL) {
    napi_get_null(env, &v);
  } else {
    napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &v);
  }
  napi_set_named_property(env, obj, name, v);
}

static void set_num(napi_env env, napi_value obj, const char *name, double d) {
  napi_value v;
  napi_create_double(env, d, &v);
  napi_set_named_property(env, obj, name, v);
}

static void set_bool(napi_env env, napi_value obj, const char *name, bool b) {
  napi_value v;
  napi_get_boolean(env, b, &v);
  napi_set_named_property(env, obj, name, v);
}

static const char *activate_code(int rc) {
  switch (rc) {
    case PCAP_ERROR_PERM_DENIED: return "PERM_DENIED";
    case PCAP_ERROR_PROMISC_PERM_DENIED: return "PROMISC_PERM_DENIED";
    case PCAP_ERROR_NO_SUCH_DEVICE: return "NO_SUCH_DEVICE";
    case PCAP_ERROR_IFACE_NOT_UP: return "IFACE_NOT_UP";
    case PCAP_ERROR_RFMON_NOTSUP: return "RFMON_NOTSUP";
    case PCAP_ERROR_ACTIVATED: return "ACTIVATED";
    case PCAP_ERROR_TSTAMP_PRECISION_NOTSUP: return "TSTAMP_PRECISION_NOTSUP";
    default: return "PCAP_ERROR";
  }
}

/* ---------------------------------------------------------------- live handle */

/* A record that does not fit before the ring's end: this header (caplen
 * WRAP_MARK) says "continue at offset 0". */
#define WRAP_MARK 0xffffffffu
#define DEFAULT_RING_BYTES (64u * 1024u * 1024u)

typedef struct live {
  napi_env env;
  pcap_t *p;
  int snaplen;
  int nano;            /* time stamps are in nanoseconds */
  uint32_t maxrec;     /* largest record a single packet can produce */

  /* Capture thread: pcap_dispatch into the ring; the JS thread copies out. */
  pthread_t thread;
  int thread_running;  /* created (at open) and not yet joined */
  int wake_fd;         /* eventfd: tells the capture thread to drain and exit */
  pthread_cond_t go_cond;
  int go;              /* under pcap_lock: 0 wait for start(), 1 capture, -1 exit without capturing */
  int capture_nice;    /* the capture thread's nice value (negative: set at open, while the process may) */
  pthread_mutex_t pcap_lock; /* libpcap's handle is not thread-safe: dispatch, stats, inject */
  int lock_inited;

  /* Ring of records (single producer: the capture thread; single consumer: the JS thread).
   * head and tail count bytes since the start (never wrap); position = count % ring_size. */
  uint8_t *ring;
  size_t ring_size;
  _Atomic uint64_t head;   /* published by the capture thread */
  _Atomic uint64_t tail;   /* published by the JS thread */
  uint64_t head_local;     /* capture thread's write position, published after each dispatch */
  _Atomic uint64_t ring_dropped; /* packets that found the ring full */
  _Atomic int thread_failed;     /* the capture thread stopped on an error (message in thread_err) */
  char thread_err[PCAP_ERRBUF_SIZE + 32];
  uint32_t pending_count;  /* capture thread: packets written since the last publish */

  uv_async_t async;
  int async_inited;    /* uv_async_init done, uv_close not yet requested */
  int async_open;      /* async handle exists and its close callback hasn't run */
  int finalized;       /* JS object was garbage collected */

  napi_ref self_ref;   /* strong while started: keeps the JS object alive */
  napi_ref cb_ref;
  napi_ref buf_ref;
  napi_async_context actx;

  uint8_t *buf;        /* the JS-owned batch buffer */
  size_t buflen;

  int in_callback;     /* the JS batch callback is running */
  int js_nice;         /* the JS thread's nice value once capturing starts (if it was lower) */
  int error_reported;
} live_t;

static void live_maybe_free(live_t *h) {
  if (h->finalized && !h->async_open) {
    free(h->ring);
    if (h->lock_inited) { pthread_cond_destroy(&h->go_cond); pthread_mutex_destroy(&h->pcap_lock); }
    free(h);
  }
}

static void on_async_closed(uv_handle_t *uh) {
  live_t *h = (live_t *)uh->data;
  h->async_open = 0;
  live_maybe_free(h);
}

/* Tells the capture thread to drain libpcap and exit, and waits for it. */
static void stop_thread(live_t *h) {
  if (!h->thread_running) return;
  pthread_mutex_lock(&h->pcap_lock);
  if (h->go == 0) h->go = -1; /* never started: exit at once */
  pthread_cond_signal(&h->go_cond);
  pthread_mutex_unlock(&h->pcap_lock);
  uint64_t one = 1;
  ssize_t w = write(h->wake_fd, &one, sizeof one);
  (void)w;
  pthread_join(h->thread, NULL);
  h->thread_running = 0;
}

/* Releases everything except the struct itself (and the ring, freed with it). Safe to call repeatedly. */
static void live_release(napi_env env, live_t *h) {
  stop_thread(h);
  if (h->async_inited) {
    h->async_inited = 0;
    uv_close((uv_handle_t *)&h->async, on_async_closed);
  }
  if (h->wake_fd >= 0) { close(h->wake_fd); h->wake_fd = -1; }
  if (h->p) {
    pcap_close(h->p);
    h->p = NULL;
  }
  if (env) {
    if (h->cb_ref) { napi_delete_reference(env, h->cb_ref); h->cb_ref = NULL; }
    if (h->buf_ref) { napi_delete_reference(env, h->buf_ref); h->buf_ref = NULL; }
    if (h->actx) { napi_async_destroy(env, h->actx); h->actx = NULL; }
    if (h->self_ref) { napi_delete_reference(env, h->self_ref); h->self_ref = NULL; }
  }
  h->buf = NULL;
  h->buflen = 0;
}

static void live_finalize(napi_env env, void *data, void *hint) {
  live_t *h = (live_t *)data;
  live_release(env, h);
  h->finalized = 1;
  live_maybe_free(h);
}

/* ---- capture thread */

/* pcap_dispatch callback, on the capture thread: one record into the ring, or counted as dropped. */
static void on_packet(u_char *user, const struct pcap_pkthdr *hdr, const u_char *bytes) {
  live_t *h = (live_t *)user;
  uint32_t caplen = hdr->caplen;
  if (caplen > (uint32_t)h->snaplen) caplen = (uint32_t)h->snaplen;
  uint32_t rec = (REC_HDR + caplen + 3u) & ~3u;
  size_t size = h->ring_size;
  uint64_t head = h->head_local;
  size_t pos = (size_t)(head % size);
  size_t need = rec;
  if (pos + rec > size) need += size - pos; /* the rest of the ring is skipped */
  uint64_t tail = atomic_load_explicit(&h->tail, memory_order_acquire);
  if (head + need - tail > size) {
    atomic_fetch_add_explicit(&h->ring_dropped, 1, memory_order_relaxed);
    return;
  }
  if (pos + rec > size) {
    if (size - pos >= REC_HDR) put32le(h->ring + pos + 8, WRAP_MARK);
    head += size - pos;
    pos = 0;
  }
  uint8_t *r = h->ring + pos;
  uint32_t frac = (uint32_t)hdr->ts.tv_usec;
  put32le(r, (uint32_t)hdr->ts.tv_sec);
  put32le(r + 4, h->nano ? frac : frac * 1000u);
  put32le(r + 8, caplen);
  put32le(r + 12, hdr->len);
  memcpy(r + REC_HDR, bytes, caplen);
  for (uint32_t i = REC_HDR + caplen; i < rec; i++) r[i] = 0;
  h->head_local = head + rec;
  h->pending_count++;
}

/* Publishes what the last dispatch wrote and wakes the JS thread. */
static void publish(live_t *h) {
  if (h->pending_count == 0) return;
  h->pending_count = 0;
  atomic_store_explicit(&h->head, h->head_local, memory_order_release);
  uv_async_send(&h->async);
}

/* One pcap_dispatch under the lock: packets read, 0 when none, < 0 on error. */
static int dispatch_once(live_t *h) {
  pthread_mutex_lock(&h->pcap_lock);
  int n = pcap_dispatch(h->p, -1, on_packet, (u_char *)h);
  if (n < 0 && n != PCAP_ERROR_BREAK) snprintf(h->thread_err, sizeof h->thread_err, "%s", pcap_geterr(h->p));
  pthread_mutex_unlock(&h->pcap_lock);
  return n == PCAP_ERROR_BREAK ? 0 : n;
}

static void *capture_thread(void *arg) {
  live_t *h = (live_t *)arg;
  /* Created at open, while the process may still have the rights to raise a thread's
   * priority (before -Z drops them); ignored where it may not. */
  if (h->capture_nice < 0) setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), h->capture_nice);
  pthread_mutex_lock(&h->pcap_lock);
  while (h->go == 0) pthread_cond_wait(&h->go_cond, &h->pcap_lock);
  int go = h->go;
  pthread_mutex_unlock(&h->pcap_lock);
  if (go < 0) return NULL;
  struct pollfd fds[2];
  fds[0].fd = pcap_get_selectable_fd(h->p);
  fds[0].events = POLLIN;
  fds[1].fd = h->wake_fd;
  fds[1].events = POLLIN;
  for (;;) {
    fds[0].revents = fds[1].revents = 0;
    int r = poll(fds, 2, 1000);
    if (r < 0 && errno != EINTR) {
      snprintf(h->thread_err, sizeof h->thread_err, "poll: %s", strerror(errno));
      atomic_store(&h->thread_failed, 1);
      break;
    }
    if (fds[0].revents & (POLLERR | POLLHUP | POLLNVAL)) {
      /* e.g. the interface went down or away. A non-blocking pcap_dispatch does not poll,
       * so it would not notice: ask the socket, as libpcap's own wait loop does. */
      int soerr = 0;
      socklen_t len = sizeof soerr;
      if (fds[0].revents & POLLNVAL) soerr = EBADF;
      else if (getsockopt(fds[0].fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0) soerr = errno;
      if (soerr == 0 && (fds[0].revents & POLLHUP)) soerr = ENODEV;
      if (soerr != 0) {
        while (dispatch_once(h) > 0) publish(h); /* what the kernel still holds comes first */
        publish(h);
        snprintf(h->thread_err, sizeof h->thread_err, "%s", soerr == ENETDOWN ? "the interface went down"
                 : soerr == ENODEV || soerr == ENXIO ? "the interface disappeared" : strerror(soerr));
        atomic_store(&h->thread_failed, 1);
        break;
      }
    }
    /* Read whatever libpcap has, until it has nothing (non-blocking handle). */
    int n;
    while ((n = dispatch_once(h)) > 0) {
      publish(h);
      if (fds[1].revents & POLLIN) break;
    }
    publish(h);
    if (n < 0) { atomic_store(&h->thread_failed, 1); break; }
    if (fds[1].revents & POLLIN) {
      /* Stop: everything the kernel still holds, then exit. */
      while ((n = dispatch_once(h)) > 0) publish(h);
      publish(h);
      if (n < 0) atomic_store(&h->thread_failed, 1);
      break;
    }
  }
  publish(h);
  uv_async_send(&h->async); /* the JS side looks at thread_failed */
  return NULL;
}

/* ---- JS thread */

/* Calls the JS callback with (count, bytesUsed[, error]). Returns 0, or -1 if the
 * callback threw (sync: the exception stays pending for the caller). */
static int call_js(live_t *h, int sync, uint32_t count, size_t used, const char *err) {
  napi_env env = h->env;
  napi_value cb, recv, argv[3];
  if (!h->cb_ref || napi_get_reference_value(env, h->cb_ref, &cb) != napi_ok || cb == NULL) return 0;
  /* napi_make_callback needs an object receiver (undefined throws a TypeError). */
  napi_get_global(env, &recv);
  napi_create_int32(env, err ? -1 : (int32_t)count, &argv[0]);
  napi_create_double(env, err ? 0 : (double)used, &argv[1]);
  size_t argc = 2;
  if (err) {
    napi_create_string_utf8(env, err, NAPI_AUTO_LENGTH, &argv[2]);
    argc = 3;
  }
  napi_status st;
  napi_value result;
  h->in_callback = 1;
  if (sync) st = napi_call_function(env, recv, cb, argc, argv, &result);
  else st = napi_make_callback(env, h->actx, recv, cb, argc, argv, &result);
  h->in_callback = 0;
  if (st != napi_ok) {
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (pending && !sync) {
      napi_value exc;
      napi_get_and_clear_last_exception(env, &exc);
      napi_fatal_exception(env, exc); /* -> process 'uncaughtException' */
    }
    return -1;
  }
  return 0;
}

/* Copies complete records from the ring into the JS buffer and calls back, batch by batch,
 * until the ring is empty or max_batches were delivered (then 1 is returned: more to come).
 * Returns -1 if the callback threw. */
static int drain_ring(live_t *h, int sync, int max_batches) {
  int batches = 0;
  for (;;) {
    if (!h->buf || !h->ring) return 0;
    uint64_t head = atomic_load_explicit(&h->head, memory_order_acquire);
    uint64_t tail = atomic_load_explicit(&h->tail, memory_order_relaxed);
    if (tail == head) return 0;
    if (batches >= max_batches) return 1;
    size_t size = h->ring_size;
    size_t used = 0;
    uint32_t count = 0;
    while (tail < head) {
      size_t pos = (size_t)(tail % size);
      if (size - pos < REC_HDR || get32le(h->ring + pos + 8) == WRAP_MARK) { tail += size - pos; continue; }
      uint32_t caplen = get32le(h->ring + pos + 8);
      size_t rec = (REC_HDR + caplen + 3u) & ~3u;
      if (used + rec > h->buflen) break;
      memcpy(h->buf + used, h->ring + pos, rec);
      used += rec;
      count++;
      tail += rec;
    }
    /* The bytes are copied out: the capture thread may reuse them now. */
    atomic_store_explicit(&h->tail, tail, memory_order_release);
    batches++;
    if (count > 0 && call_js(h, sync, count, used, NULL) != 0) return -1;
  }
}

/* After the ring is empty: a failure of the capture thread reaches JS once. */
static void report_thread_error(live_t *h, int sync) {
  if (h->error_reported || !atomic_load(&h->thread_failed)) return;
  h->error_reported = 1;
  if (sync) return; /* stop(): the caller is ending anyway */
  call_js(h, 0, 0, 0, h->thread_err[0] ? h->thread_err : "capture failed");
}

static void on_async(uv_async_t *ah) {
  live_t *h = (live_t *)ah->data;
  if (!h->p || h->in_callback) return;
  napi_handle_scope scope;
  if (napi_open_handle_scope(h->env, &scope) != napi_ok) return;
  int r = drain_ring(h, 0, MAX_BATCHES_PER_WAKEUP);
  if (r == 1 && h->async_inited) uv_async_send(&h->async); /* more: after other events had their turn */
  else if (r == 0) report_thread_error(h, 0);
  napi_close_handle_scope(h->env, scope);
}

static live_t *unwrap_this(napi_env env, napi_callback_info info, size_t *argc, napi_value *argv) {
  napi_value self;
  void *data = NULL;
  if (napi_get_cb_info(env, info, argc, argv, &self, NULL) != napi_ok) {
    throw_last(env);
    return NULL;
  }
  if (napi_unwrap(env, self, &data) != napi_ok || data == NULL) {
    napi_throw_error(env, "EINVAL", "not a netlens pcap handle");
    return NULL;
  }
  return (live_t *)data;
}

/* handle.start(buffer, cb) */
static napi_value live_start(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], self;
  void *data = NULL;
  NAPI_OK_OR(napi_get_cb_info(env, info, &argc, argv, &self, NULL), NULL);
  if (napi_unwrap(env, self, &data) != napi_ok || !data) {
    napi_throw_error(env, "EINVAL", "not a netlens pcap handle");
    return NULL;
  }
  live_t *h = (live_t *)data;
  if (!h->p) { napi_throw_error(env, "EINVAL", "capture handle is closed"); return NULL; }
  if (h->async_inited || !h->thread_running) { napi_throw_error(env, "EINVAL", "capture already started"); return NULL; }
  bool isbuf = false;
  napi_valuetype t;
  if (argc < 2 || napi_is_buffer(env, argv[0], &isbuf) != napi_ok || !isbuf ||
      napi_typeof(env, argv[1], &t) != napi_ok || t != napi_function) {
    napi_throw_type_error(env, "EINVAL", "start(buffer, callback) expects a Buffer and a function");
    return NULL;
  }
  void *bdata;
  size_t blen;
  NAPI_OK_OR(napi_get_buffer_info(env, argv[0], &bdata, &blen), NULL);
  if (blen < h->maxrec) {
    char msg[128];
    snprintf(msg, sizeof msg, "batch buffer too small: %zu bytes, need at least %u (snaplen + 16)",
             blen, h->maxrec);
    napi_throw_range_error(env, "EINVAL", msg);
    return NULL;
  }
  if (pcap_get_selectable_fd(h->p) < 0) { napi_throw_error(env, "PCAP_ERROR", "capture handle has no selectable file descriptor"); return NULL; }
  uv_loop_t *loop;
  NAPI_OK_OR(napi_get_uv_event_loop(env, &loop), NULL);

  if (!h->ring) {
    h->ring = malloc(h->ring_size);
    if (!h->ring) { napi_throw_error(env, "ENOMEM", "cannot allocate the capture ring"); return NULL; }
  }

  napi_value name;
  napi_create_string_utf8(env, "netlens:pcap", NAPI_AUTO_LENGTH, &name);
  NAPI_OK_OR(napi_async_init(env, self, name, &h->actx), NULL);
  NAPI_OK_OR(napi_create_reference(env, argv[0], 1, &h->buf_ref), NULL);
  NAPI_OK_OR(napi_create_reference(env, argv[1], 1, &h->cb_ref), NULL);
  NAPI_OK_OR(napi_create_reference(env, self, 1, &h->self_ref), NULL);
  h->buf = (uint8_t *)bdata;
  h->buflen = blen;

  int r = uv_async_init(loop, &h->async, on_async);
  if (r != 0) { napi_throw_error(env, "PCAP_ERROR", uv_strerror(r)); return NULL; }
  h->async.data = h;
  h->async_inited = 1;
  h->async_open = 1;
  pthread_mutex_lock(&h->pcap_lock);
  h->go = 1;
  pthread_cond_signal(&h->go_cond);
  pthread_mutex_unlock(&h->pcap_lock);
  /* The JavaScript thread can fall behind (the ring absorbs it); the capture thread must not.
   * On a busy machine the scheduler should run the capture thread first: the JS thread (only
   * this thread: the capture thread keeps the nice value it was created with) steps back. */
  if (h->js_nice > 0) {
    pid_t tid = (pid_t)syscall(SYS_gettid);
    errno = 0;
    int cur = getpriority(PRIO_PROCESS, (id_t)tid);
    if (errno == 0 && cur < h->js_nice) setpriority(PRIO_PROCESS, (id_t)tid, h->js_nice); /* never lower it twice */
  }
  return NULL;
}

/* handle.stop(): the capture thread reads everything libpcap still holds and
 * exits; every record is delivered (synchronously, through the batch
 * callback); then the handle is closed. */
/* The handle of a stop()/close() call, or NULL (with a JS error) inside the batch callback. */
static live_t *unwrap_outside_callback(napi_env env, napi_callback_info info, const char *what) {
  size_t argc = 0;
  live_t *h = unwrap_this(env, info, &argc, NULL);
  if (h && h->in_callback) {
    char msg[96];
    snprintf(msg, sizeof msg, "%s() must not be called from inside the batch callback", what);
    napi_throw_error(env, "EINVAL", msg);
    return NULL;
  }
  return h;
}

static napi_value live_stop(napi_env env, napi_callback_info info) {
  live_t *h = unwrap_outside_callback(env, info, "stop");
  if (!h) return NULL;
  stop_thread(h);
  if (h->p && h->buf) {
    if (drain_ring(h, 1, 0x7fffffff) == 0) report_thread_error(h, 1);
  }
  /* Keep the JS exception (if the callback threw) pending for the caller. */
  live_release(env, h);
  return NULL;
}

/* handle.close(): close without draining. */
static napi_value live_close(napi_env env, napi_callback_info info) {
  live_t *h = unwrap_outside_callback(env, info, "close");
  if (!h) return NULL;
  live_release(env, h);
  return NULL;
}

static napi_value live_stats(napi_env env, napi_callback_info info) {
  size_t argc = 0;
  live_t *h = unwrap_this(env, info, &argc, NULL);
  if (!h) return NULL;
  if (!h->p) { napi_throw_error(env, "EINVAL", "capture handle is closed"); return NULL; }
  struct pcap_stat ps;
  memset(&ps, 0, sizeof ps);
  pthread_mutex_lock(&h->pcap_lock);
  int rc = pcap_stats(h->p, &ps);
  pthread_mutex_unlock(&h->pcap_lock);
  if (rc != 0) {
    napi_throw_error(env, "PCAP_ERROR", pcap_geterr(h->p));
    return NULL;
  }
  napi_value o;
  NAPI_OK_OR(napi_create_object(env, &o), NULL);
  set_num(env, o, "received", ps.ps_recv);
  set_num(env, o, "dropped", ps.ps_drop);
  set_num(env, o, "ifDropped", ps.ps_ifdrop);
  set_num(env, o, "ringDropped", (double)atomic_load(&h->ring_dropped));
  return o;
}

static napi_value live_inject(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  live_t *h = unwrap_this(env, info, &argc, argv);
  if (!h) return NULL;
  if (!h->p) { napi_throw_error(env, "EINVAL", "capture handle is closed"); return NULL; }
  bool isbuf = false;
  if (argc < 1 || napi_is_buffer(env, argv[0], &isbuf) != napi_ok || !isbuf) {
    napi_throw_type_error(env, "EINVAL", "inject(buffer) expects a Buffer");
    return NULL;
  }
  void *data;
  size_t len;
  NAPI_OK_OR(napi_get_buffer_info(env, argv[0], &data, &len), NULL);
  pthread_mutex_lock(&h->pcap_lock);
  int n = pcap_inject(h->p, data, len);
  pthread_mutex_unlock(&h->pcap_lock);
  if (n < 0) {
    napi_throw_error(env, "PCAP_ERROR", pcap_geterr(h->p));
    return NULL;
  }
  napi_value r;
  napi_create_int32(env, n, &r);
  return r;
}

/* openLive(options) */
static napi_value open_live(napi_env env, napi_callback_info info) {
  if (no_libpcap(env)) return NULL;
  size_t argc = 1;
  napi_value argv[1];
  NAPI_OK_OR(napi_get_cb_info(env, info, &argc, argv, NULL, NULL), NULL);
  napi_valuetype t;
  if (argc < 1 || napi_typeof(env, argv[0], &t) != napi_ok || t != napi_object) {
    napi_throw_type_error(env, "EINVAL", "openLive(options) expects an object");
    return NULL;
  }
  napi_value o = argv[0];
  char *iface = opt_string(env, o, "iface");
  char *filter = opt_string(env, o, "filter");
  int snaplen = opt_int(env, o, "snaplen", 262144);
  bool promisc = opt_bool(env, o, "promisc", true);
  bool immediate = opt_bool(env, o, "immediate", true);
  int bufsize = opt_int(env, o, "bufferSize", 0);
  bool want_nano = opt_bool(env, o, "nanosecond", true);
  int timeout = opt_int(env, o, "timeoutMs", 100);
  int js_nice = opt_int(env, o, "jsNice", 0);
  int capture_nice = opt_int(env, o, "captureNice", 0);
  double ring_opt = 0;
  napi_value ring_v;
  if (has_prop(env, o, "ringBytes", &ring_v)) napi_get_value_double(env, ring_v, &ring_opt);
  if (snaplen <= 0 || snaplen > 262144) snaplen = 262144;

  char errbuf[PCAP_ERRBUF_SIZE];
  char msg[PCAP_ERRBUF_SIZE + 256];
  const char *code = NULL;
  napi_value result = NULL;
  pcap_t *p = NULL;
  char *warning = NULL;
  int nano = 0;

  if (!iface || !*iface) {
    napi_throw_type_error(env, "EINVAL", "openLive: iface is required");
    goto out;
  }
  errbuf[0] = 0;
  p = pcap_create(iface, errbuf);
  if (!p) {
    code = "PCAP_ERROR";
    snprintf(msg, sizeof msg, "%s", errbuf);
    goto fail;
  }
  pcap_set_snaplen(p, snaplen);
  pcap_set_promisc(p, promisc ? 1 : 0);
  pcap_set_immediate_mode(p, immediate ? 1 : 0);
  pcap_set_timeout(p, timeout > 0 ? timeout : 100);
  if (bufsize > 0) pcap_set_buffer_size(p, bufsize);
  if (want_nano) {
    if (pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO) == 0) nano = 1;
  }
  int rc = pcap_activate(p);
  if (rc < 0) {
    code = activate_code(rc);
    const char *detail = pcap_geterr(p);
    if (!detail || !*detail) detail = pcap_statustostr(rc);
    snprintf(msg, sizeof msg, "%s: %s", iface, detail);
    goto fail;
  }
  if (rc > 0) {
    const char *detail = pcap_geterr(p);
    if (!detail || !*detail) detail = pcap_statustostr(rc);
    warning = strdup(detail);
  }
  /* Whatever was asked, report what libpcap actually delivers. */
  nano = pcap_get_tstamp_precision(p) == PCAP_TSTAMP_PRECISION_NANO;

  if (filter && *filter) {
    bpf_u_int32 net = 0, mask = PCAP_NETMASK_UNKNOWN;
    if (pcap_lookupnet(iface, &net, &mask, errbuf) != 0) mask = PCAP_NETMASK_UNKNOWN;
    struct bpf_program prog;
    if (pcap_compile(p, &prog, filter, 1, mask) != 0) {
      code = "BAD_FILTER";
      snprintf(msg, sizeof msg, "%s", pcap_geterr(p));
      goto fail;
    }
    int src = pcap_setfilter(p, &prog);
    pcap_freecode(&prog);
    if (src != 0) {
      code = "BAD_FILTER";
      snprintf(msg, sizeof msg, "%s", pcap_geterr(p));
      goto fail;
    }
  }
  if (pcap_setnonblock(p, 1, errbuf) != 0) {
    code = "PCAP_ERROR";
    snprintf(msg, sizeof msg, "%s", errbuf);
    goto fail;
  }

  live_t *h = calloc(1, sizeof *h);
  if (!h) {
    code = "ENOMEM";
    snprintf(msg, sizeof msg, "out of memory");
    goto fail;
  }
  h->env = env;
  h->p = p;
  h->snaplen = pcap_snapshot(p);
  if (h->snaplen <= 0 || h->snaplen > snaplen) h->snaplen = snaplen;
  h->nano = nano;
  h->maxrec = (REC_HDR + (uint32_t)h->snaplen + 3u) & ~3u;
  h->ring_size = ring_opt >= 1 ? (size_t)ring_opt : DEFAULT_RING_BYTES;
  if (h->ring_size < 2 * (size_t)h->maxrec) h->ring_size = 2 * (size_t)h->maxrec;
  h->ring_size = (h->ring_size + 3u) & ~(size_t)3u;
  h->js_nice = js_nice < 0 ? 0 : js_nice > 19 ? 19 : js_nice;
  h->capture_nice = capture_nice < -20 ? -20 : capture_nice > 0 ? 0 : capture_nice;
  pthread_mutex_init(&h->pcap_lock, NULL);
  pthread_cond_init(&h->go_cond, NULL);
  h->lock_inited = 1;
  p = NULL;
  /* The capture thread starts now (so that it can be given its priority while the process
   * still may) and waits for start(). */
  h->wake_fd = eventfd(0, EFD_CLOEXEC);
  int tr = h->wake_fd < 0 ? errno : pthread_create(&h->thread, NULL, capture_thread, h);
  if (tr != 0) {
    if (h->wake_fd >= 0) close(h->wake_fd);
    pcap_close(h->p);
    pthread_cond_destroy(&h->go_cond);
    pthread_mutex_destroy(&h->pcap_lock);
    free(h);
    code = "PCAP_ERROR";
    snprintf(msg, sizeof msg, "cannot start the capture thread: %s", strerror(tr));
    goto fail;
  }
  h->thread_running = 1;

  napi_value obj;
  if (napi_create_object(env, &obj) != napi_ok ||
      napi_wrap(env, obj, h, live_finalize, NULL, NULL) != napi_ok) {
    stop_thread(h);
    close(h->wake_fd);
    pcap_close(h->p);
    pthread_cond_destroy(&h->go_cond);
    pthread_mutex_destroy(&h->pcap_lock);
    free(h);
    throw_last(env);
    goto out;
  }
  int dlt = pcap_datalink(h->p);
  set_num(env, obj, "linkType", dlt_to_linktype(dlt));
  set_num(env, obj, "dlt", dlt);
  set_bool(env, obj, "nanosecond", nano != 0);
  set_num(env, obj, "snaplen", h->snaplen);
  set_num(env, obj, "maxRecord", h->maxrec);
  set_num(env, obj, "ringBytes", (double)h->ring_size);
  if (warning) set_str(env, obj, "warning", warning);
  napi_property_descriptor methods[] = {
    {"start", NULL, live_start, NULL, NULL, NULL, napi_default, NULL},
    {"stop", NULL, live_stop, NULL, NULL, NULL, napi_default, NULL},
    {"close", NULL, live_close, NULL, NULL, NULL, napi_default, NULL},
    {"stats", NULL, live_stats, NULL, NULL, NULL, napi_default, NULL},
    {"inject", NULL, live_inject, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, obj, sizeof methods / sizeof methods[0], methods);
  result = obj;
  goto out;

fail:
  if (p) pcap_close(p);
  p = NULL;
  napi_throw_error(env, code, msg);
out:
  free(iface);
  free(filter);
  free(warning);
  return result;
}

/* ---------------------------------------------------------------- findAllDevs */

static napi_value sockaddr_str(napi_env env, const struct sockaddr *sa) {
  char s[INET6_ADDRSTRLEN + 1];
  napi_value v;
  const char *r = NULL;
  if (sa && sa->sa_family == AF_INET) {
    r = inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, s, sizeof s);
  } else if (sa && sa->sa_family == AF_INET6) {
    r = inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, s, sizeof s);
  }
  if (r) {
    napi_create_string_utf8(env, r, NAPI_AUTO_LENGTH, &v);
  } else {
    napi_get_null(env, &v);
  }
  return v;
}

static napi_value find_all_devs(napi_env env, napi_callback_info info) {
  if (no_libpcap(env)) return NULL;
  char errbuf[PCAP_ERRBUF_SIZE];
  pcap_if_t *all = NULL;
  if (pcap_findalldevs(&all, errbuf) != 0) {
    napi_throw_error(env, "PCAP_ERROR", errbuf);
    return NULL;
  }
  napi_value arr;
  napi_create_array(env, &arr);
  uint32_t i = 0;
  for (pcap_if_t *d = all; d; d = d->next) {
    napi_value dev, addrs, flags;
    napi_create_object(env, &dev);
    set_str(env, dev, "name", d->name);
    set_str(env, dev, "description", d->description ? d->description : "");
    napi_create_array(env, &addrs);
    uint32_t j = 0;
    for (pcap_addr_t *a = d->addresses; a; a = a->next) {
      if (!a->addr || (a->addr->sa_family != AF_INET && a->addr->sa_family != AF_INET6)) continue;
      napi_value ao;
      napi_create_object(env, &ao);
      napi_set_named_property(env, ao, "addr", sockaddr_str(env, a->addr));
      napi_set_named_property(env, ao, "netmask", sockaddr_str(env, a->netmask));
      napi_set_element(env, addrs, j++, ao);
    }
    napi_set_named_property(env, dev, "addresses", addrs);
    napi_create_object(env, &flags);
    set_bool(env, flags, "up", (d->flags & PCAP_IF_UP) != 0);
    set_bool(env, flags, "running", (d->flags & PCAP_IF_RUNNING) != 0);
    set_bool(env, flags, "loopback", (d->flags & PCAP_IF_LOOPBACK) != 0);
    set_bool(env, flags, "wireless", (d->flags & PCAP_IF_WIRELESS) != 0);
    napi_set_named_property(env, dev, "flags", flags);
    napi_set_element(env, arr, i++, dev);
  }
  pcap_freealldevs(all);
  return arr;
}

/* ---------------------------------------------------------------- compileFilter */

static uint32_t bswap32(uint32_t v) {
  return (v >> 24) | ((v >> 8) & 0xff00u) | ((v << 8) & 0xff0000u) | (v << 24);
}
static uint16_t bswap16(uint16_t v) { return (uint16_t)((v >> 8) | (v << 8)); }

/*
 * A pcap_t that compiles filters exactly like tcpdump -r does for a savefile:
 * libpcap's code generator behaves differently for savefiles (e.g. DLT_NULL
 * `ip6` accepts every BSD AF_INET6 value, and the AF_ value is byte-swapped
 * for files written on a machine of the other byte order). So instead of
 * pcap_open_dead, open an empty classic pcap file held in memory with the
 * requested link type, snaplen and byte order. Falls back to pcap_open_dead.
 */
static pcap_t *open_offline_compiler(int linktype, int snaplen, int swapped) {
#if defined(__linux__) || defined(__APPLE__) || defined(__FreeBSD__) || defined(__NetBSD__) || defined(__OpenBSD__)
  uint32_t magic = 0xa1b2c3d4u, zone = 0, sigfigs = 0, snap = (uint32_t)snaplen, lt = (uint32_t)linktype;
  uint16_t vmaj = 2, vmin = 4;
  if (swapped) {
    magic = bswap32(magic); snap = bswap32(snap); lt = bswap32(lt);
    vmaj = bswap16(vmaj); vmin = bswap16(vmin);
  }
  unsigned char buf[24];
  memcpy(buf, &magic, 4);
  memcpy(buf + 4, &vmaj, 2);
  memcpy(buf + 6, &vmin, 2);
  memcpy(buf + 8, &zone, 4);
  memcpy(buf + 12, &sigfigs, 4);
  memcpy(buf + 16, &snap, 4);
  memcpy(buf + 20, &lt, 4);
  /* fmemopen(NULL, ...) owns its buffer, which lives until pcap_close() fcloses it.
   * One spare byte: glibc may write a terminating NUL over the last byte of a
   * full write-mode buffer. */
  FILE *f = fmemopen(NULL, sizeof buf + 1, "w+b");
  if (f && (fwrite(buf, 1, sizeof buf, f) != sizeof buf || fseek(f, 0, SEEK_SET) != 0)) {
    fclose(f);
    f = NULL;
  }
  if (f) {
    char errbuf[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_fopen_offline(f, errbuf); /* reads the header now; pcap_close fcloses */
    if (p) return p;
    fclose(f);
  }
#endif
  return pcap_open_dead(linktype_to_dlt(linktype), snaplen);
}

/* compileFilter(linkType, snaplen, expr[, swapped]) */
static napi_value compile_filter(napi_env env, napi_callback_info info) {
  if (no_libpcap(env)) return NULL;
  size_t argc = 4;
  napi_value argv[4];
  NAPI_OK_OR(napi_get_cb_info(env, info, &argc, argv, NULL, NULL), NULL);
  int32_t linktype, snaplen;
  if (argc < 3 || napi_get_value_int32(env, argv[0], &linktype) != napi_ok ||
      napi_get_value_int32(env, argv[1], &snaplen) != napi_ok) {
    napi_throw_type_error(env, "EINVAL", "compileFilter(linkType, snaplen, expr[, swapped])");
    return NULL;
  }
  bool swapped = false;
  if (argc >= 4) {
    napi_value b;
    if (napi_coerce_to_bool(env, argv[3], &b) == napi_ok) napi_get_value_bool(env, b, &swapped);
  }
  char *expr = get_string(env, argv[2]);
  if (!expr) {
    napi_throw_type_error(env, "EINVAL", "compileFilter: expr must be a string");
    return NULL;
  }
  if (snaplen <= 0 || snaplen > 262144) snaplen = 262144;
  pcap_t *p = open_offline_compiler(linktype, snaplen, swapped);
  if (!p) {
    free(expr);
    napi_throw_error(env, "ENOMEM", "cannot create a pcap handle to compile with");
    return NULL;
  }
  struct bpf_program prog;
  if (pcap_compile(p, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) != 0) {
    char msg[PCAP_ERRBUF_SIZE + 8];
    snprintf(msg, sizeof msg, "%s", pcap_geterr(p));
    pcap_close(p);
    free(expr);
    napi_throw_error(env, "BAD_FILTER", msg);
    return NULL;
  }
  free(expr);
  size_t n = prog.bf_len;
  napi_value ab, ta;
  void *data;
  if (napi_create_arraybuffer(env, n * 16, &data, &ab) != napi_ok) {
    pcap_freecode(&prog);
    pcap_close(p);
    throw_last(env);
    return NULL;
  }
  uint32_t *w = (uint32_t *)data;
  for (size_t i = 0; i < n; i++) {
    w[i * 4] = prog.bf_insns[i].code;
    w[i * 4 + 1] = prog.bf_insns[i].jt;
    w[i * 4 + 2] = prog.bf_insns[i].jf;
    w[i * 4 + 3] = prog.bf_insns[i].k;
  }
  pcap_freecode(&prog);
  pcap_close(p);
  NAPI_OK_OR(napi_create_typedarray(env, napi_uint32_array, n * 4, ab, 0, &ta), NULL);
  return ta;
}

/* ---------------------------------------------------------------- module */

static napi_value lib_version(napi_env env, napi_callback_info info) {
  if (no_libpcap(env)) return NULL;
  napi_value v;
  napi_create_string_utf8(env, pcap_lib_version(), NAPI_AUTO_LENGTH, &v);
  return v;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    {"openLive", NULL, open_live, NULL, NULL, NULL, napi_default, NULL},
    {"findAllDevs", NULL, find_all_devs, NULL, NULL, NULL, napi_default, NULL},
    {"compileFilter", NULL, compile_filter, NULL, NULL, NULL, napi_default, NULL},
    {"libVersion", NULL, lib_version, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  napi_value rh;
  napi_create_uint32(env, REC_HDR, &rh);
  napi_set_named_property(env, exports, "recordHeaderSize", rh);
  /* Once per process (the module may be loaded by several threads' environments). */
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, load_libpcap);
  set_str(env, exports, "libpcapError", pcap_fn.lib ? NULL : libpcap_error);
  set_str(env, exports, "libpcapName", pcap_fn.lib ? libpcap_name : NULL);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
