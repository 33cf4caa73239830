{
  "targets": [
    {
      "target_name": "netlens_pcap",
      "sources": ["netlens_pcap.c"],
      "defines": ["NAPI_VERSION=8", "_GNU_SOURCE"],
      "cflags_c": ["-std=gnu11", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "libraries": ["-lpcap", "-lpthread"],
      "conditions": [
        ["OS=='mac'", {
          "xcode_settings": { "OTHER_CFLAGS": ["-std=gnu11", "-Wall"] }
        }]
      ]
    }
  ]
}
