/*
 * fabric/config_default.c - the topology used when no configuration file is
 * given (drawn in docs/config.md): two nodes with 8 GiB DRAM, one switch,
 * two 4 GiB MLD pool devices of four 1 GiB LDs each - one LD per node on
 * each device, two left unbound for the fabric manager to hand out (a
 * pool-staged migration stages into them) - and a memory bridge per node
 * exporting all of its DRAM. Each node gets a 2-way region across its LDs
 * on the two pool devices, as `cxl create-region` would make.
 */
#include "fabric.h"

const char cxf_default_config[] =
    "{\n"
    "  \"switch\": {\"name\": \"sw0\", \"usp-decoders\": 4},\n"
    "  \"hosts\": [\n"
    "    {\"name\": \"node0\", \"dram\": \"8G\",\n"
    "     \"host-bridges\": [{\"decoders\": 4, \"root-ports\": [\n"
    "       {\"switch-port\": 0, \"width\": 16, \"vppbs\": 4}]}],\n"
    "     \"windows\": [{\"name\": \"node0-cxl\", \"base\": \"0x1000000000\", \"size\": \"16G\",\n"
    "                  \"targets\": [0], \"granularity\": \"4K\",\n"
    "                  \"types\": [\"volatile\", \"persistent\"]}],\n"
    "     \"bridge\": {\"switch-port\": 4, \"width\": 16, \"export-offset\": 0,\n"
    "                \"export-size\": \"8G\", \"window-base\": \"0x4000000000\"}},\n"
    "    {\"name\": \"node1\", \"dram\": \"8G\",\n"
    "     \"host-bridges\": [{\"decoders\": 4, \"root-ports\": [\n"
    "       {\"switch-port\": 1, \"width\": 16, \"vppbs\": 4}]}],\n"
    "     \"windows\": [{\"name\": \"node1-cxl\", \"base\": \"0x1000000000\", \"size\": \"16G\",\n"
    "                  \"targets\": [0], \"granularity\": \"4K\",\n"
    "                  \"types\": [\"volatile\", \"persistent\"]}],\n"
    "     \"bridge\": {\"switch-port\": 5, \"width\": 16, \"export-offset\": 0,\n"
    "                \"export-size\": \"8G\", \"window-base\": \"0x4000000000\"}}\n"
    "  ],\n"
    "  \"devices\": [\n"
    "    {\"name\": \"pool0\", \"switch-port\": 2, \"width\": 8,\n"
    "     \"volatile\": \"4G\", \"lds\": 4},\n"
    "    {\"name\": \"pool1\", \"switch-port\": 3, \"width\": 8,\n"
    "     \"volatile\": \"4G\", \"lds\": 4}\n"
    "  ],\n"
    "  \"bindings\": [\n"
    "    {\"host\": \"node0\", \"vppb\": 0, \"device\": \"pool0\", \"ld\": 0},\n"
    "    {\"host\": \"node0\", \"vppb\": 1, \"device\": \"pool1\", \"ld\": 0},\n"
    "    {\"host\": \"node1\", \"vppb\": 0, \"device\": \"pool0\", \"ld\": 1},\n"
    "    {\"host\": \"node1\", \"vppb\": 1, \"device\": \"pool1\", \"ld\": 1}\n"
    "  ],\n"
    "  \"regions\": [\n"
    "    {\"host\": \"node0\", \"type\": \"volatile\", \"granularity\": \"4K\",\n"
    "     \"targets\": [{\"device\": \"pool0\", \"ld\": 0}, {\"device\": \"pool1\", \"ld\": 0}]},\n"
    "    {\"host\": \"node1\", \"type\": \"volatile\", \"granularity\": \"4K\",\n"
    "     \"targets\": [{\"device\": \"pool0\", \"ld\": 1}, {\"device\": \"pool1\", \"ld\": 1}]}\n"
    "  ]\n"
    "}\n";
