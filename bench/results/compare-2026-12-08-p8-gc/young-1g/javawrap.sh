#!/bin/bash
# adds $SERVER_OPTS to server JVMs (registry.jar or RmiFloor server), GC log for all
case " $* " in
  *registry.jar*|*" RmiFloor server "*) exec java $SERVER_OPTS -Xlog:gc:file=/tmp/gcl2/gc-%p.log:uptime,pid "$@" ;;
  *) exec java "$@" ;;
esac
