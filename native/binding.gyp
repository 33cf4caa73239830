{
  "targets": [
    {
      "target_name": "netlens_pcap",
      "sources": ["netlens_pcap.c"],
      "defines": ["NAPI_VERSION=8", "_GNU_SOURCE"],
      "cflags_c": ["-std=gnu11", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "libraries": ["-lpthread"],
      "conditions": [
        ["OS=='linux'", {
          "libraries": [
            "<!@(node -p \"process.report.getReport().header.glibcVersionRuntime ? '-Wl,--no-as-needed -l:libdl.so.2 -l:libpthread.so.0 -Wl,--as-needed' : ''\")"
          ]
        }],
        ["OS=='mac'", {
          "xcode_settings": { "OTHER_CFLAGS": ["-std=gnu11", "-Wall"] }
        }]
      ]
    }
  ]
}
