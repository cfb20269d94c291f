# El cluster: aprovisionamiento, inspección, comprobaciones, logs.

error-bad-address = «{ $value }» no es una dirección de nodo; escribe host:puerto, o redis://[usuario][:contraseña@]host:puerto.
error-base-ip = «{ $value }» no puede ser la primera dirección del cluster local: debe ser una dirección de loopback como 127.0.158.100 (el cluster nunca escucha en otra parte).
error-redis-server-missing = no se encuentra redis-server en el PATH. Instala Redis 7 o posterior (Debian/Ubuntu: sudo apt install redis-server redis-tools; macOS: brew install redis), o indica dónde está con --redis-server o LAB_REDIS_SERVER.
error-redis-server-not-runnable = no se ha podido ejecutar { $path } como redis-server. Revisa la ruta indicada con --redis-server o LAB_REDIS_SERVER.
error-redis-server-too-old = { $path } es Redis { $version }; los laboratorios necesitan Redis 7 o posterior (Debian/Ubuntu: sudo apt install redis-server; macOS: brew install redis).
error-addr-in-use-by = { $addr } ya está en uso por { $process } (pid { $pid }). Detenlo, o da al cluster otras direcciones con --base-ip (por ejemplo --base-ip 127.0.159.100).
error-addr-in-use = { $addr } ya está en uso por otro programa. Detenlo, o da al cluster otras direcciones con --base-ip (por ejemplo --base-ip 127.0.159.100).
error-no-loopback = aquí no se puede escuchar ni en { $base } (y las direcciones siguientes) ni en 127.0.0.1; revisa la interfaz de loopback.
error-spawn = no se ha podido arrancar { $path }: { $reason }
error-node-did-not-start = el nodo { $addr } no ha arrancado. El final de su log:
    { $log }
error-unreachable = { $addr } no responde: { $reason }
conn-refused = conexión rechazada (¿está arrancado el nodo? `{ -lab } cluster status` muestra cuáles lo están)
conn-not-redis = no es un nodo Redis: respondió algo distinto del protocolo de Redis (revisa la dirección y el puerto)
conn-too-large = envió una respuesta más grande de lo que lab acepta de un nodo (¿es de verdad un nodo Redis?)
error-not-a-node = { $addr } se rechaza: { $reason }.
conn-timeout = sin respuesta a tiempo (puede que el nodo esté pausado o la red bloqueada)
conn-auth-required = necesita contraseña: dala en REDISCLI_AUTH (`read -s REDISCLI_AUTH && export REDISCLI_AUTH`), que no se ve en `ps`
conn-auth-failed = la contraseña ha sido rechazada
conn-other = { $detail }
error-cluster-command = { $addr } ha rechazado { $command }: { $reason }
error-cluster-not-forming = el cluster no se ha formado a tiempo: { $problems }
error-loading-data = no se han podido cargar los datos del laboratorio: { $reason }
error-not-cluster-enabled = { $addr } no es un nodo de cluster (cluster-enabled es no).
error-node-not-empty = { $addr } no está vacío ({ $keys } claves, { $known } nodos conocidos); formar un cluster en él lo destruiría. Usa nodos vacíos, o añade --fresh para reiniciarlos (se borran sus datos).
error-plain-node-not-empty = { $addr } no está vacío ({ $keys } claves); montar la topología del laboratorio en él lo destruiría. Usa nodos vacíos, o añade --fresh para vaciarlos (se borran sus datos).
error-nodes-count = --nodes ha dado { $given } direcciones; este laboratorio necesita { $needed }, en este orden: { $order }.
error-other-cluster-running = otro cluster de este directorio de estado sigue en marcha; detenlo antes con `{ -lab } cluster down`.
error-remote-other-lab = el cluster indicado con --nodes se formó para el laboratorio «{ $lab }»; añade --fresh para formarlo de nuevo para este (se borran sus datos).
error-cluster-broken = el cluster está en marcha pero no está sano:{ $problems }
    Ejecuta `{ -lab } cluster up --fresh` para formarlo de nuevo sobre los nodos en marcha (se vuelven a cargar los datos del laboratorio).
error-no-cluster = todavía no hay ningún cluster: arranca uno con `{ -lab } cluster up` (o `{ -lab } start <laboratorio>`), o indica uno con --nodes.
error-lab-not-runnable = «{ $lab }» es un fichero de diapositivas suelto: no tiene lab.yaml, así que no tiene cluster que arrancar.
error-lab-has-errors = el laboratorio «{ $lab }» tiene { $count ->
    [one] un error
   *[other] { $count } errores
}; ejecuta `{ -lab } lint { $lab }` para { $count ->
    [one] verlo
   *[other] verlos
}.
error-logs-remote = los logs solo se guardan para el cluster local; en las máquinas virtuales del curso lee /var/log/redis/redis-<puerto>.log.
error-unknown-node = «{ $node }» no es un nodo de este cluster. Sus nodos: { $known }.
cluster-waiting-for-lock = Otra orden de lab está cambiando el cluster; esperando a que termine…
check-failed = { $count ->
    [one] la comprobación ha encontrado 1 problema.
   *[other] la comprobación ha encontrado { $count } problemas.
}

problem-state-not-ok = { $addr } informa cluster_state:fail.
problem-not-master-of = { $addr } todavía no es el maestro de { $slots }.
problem-not-replica-of = { $addr } todavía no es réplica de { $master }.
problem-not-master = { $addr } debería ser un maestro independiente (sigue a un maestro).
problem-stray-master = { $addr } es maestro, pero los Sentinels nombran a { $master }: acepta escrituras que nadie conservará hasta que lo conviertan en réplica (en unos 10 s)
problem-sentinels-disagree = los Sentinels no coinciden en un maestro en pie: { $seen }
problem-sentinel-not-monitoring = el Sentinel { $sentinel } no vigila al maestro del laboratorio
problem-sentinel-master = el Sentinel { $sentinel } no ve al maestro en pie donde debería estar (flags { $flags })
problem-sentinel-replicas = el Sentinel { $sentinel } conoce { $seen } réplicas, no { $wanted }
problem-sentinel-sentinels = el Sentinel { $sentinel } conoce { $seen } Sentinels más, no { $wanted }
error-sentinels-not-ready = Los Sentinels no llegaron a estar listos: { $problems }. `lab logs <máquina>:26379` muestra qué hizo un Sentinel.
problem-link-down = el enlace de replicación de { $addr } con su maestro está caído.
problem-views-differ = los nodos todavía no coinciden en la configuración del cluster.
problem-handshake = { $addr } no ha terminado el handshake con su maestro.
problem-replica-behind = { $addr } todavía no ha recibido todas las escrituras de su maestro.
problem-other-lab = se formó para el laboratorio «{ $lab }».
problem-node-not-running = { $addr } no está en marcha.
problem-failing = otros nodos marcan { $node } como { $flags }.
problem-disagree = { $node } ve { $about } como { $sees }; los demás lo ven como { $others }.
problem-disagree-unknown-here = { $node } no conoce { $about }; los demás lo ven como { $others }.
problem-disagree-unknown-elsewhere = { $node } ve { $about } como { $sees }; los demás no lo conocen.
problem-uncovered = { $count ->
    [one] 1 slot no tiene
   *[other] { $count } slots no tienen
} maestro: { $slots }.
problem-contested = más de un maestro reclama los slots { $slots }.
problem-migrating = { $addr } tiene el slot { $slot } migrando a { $peer }.
problem-importing = { $addr } tiene el slot { $slot } importando desde { $peer }.
problem-not-online = { $addr } está { $health }, no online.

phase-checking = Revisando el directorio de estado…
phase-starting = Arrancando los procesos redis-server…
phase-resetting = Reiniciando los nodos en marcha (CLUSTER RESET HARD)…
phase-meeting = Asignando slots y presentando los nodos (CLUSTER MEET)…
phase-replicating = Conectando las réplicas (CLUSTER REPLICATE)…
phase-waiting-ok = Esperando cluster_state:ok en todos los nodos…
phase-following = Conectando las réplicas (REPLICAOF)…
phase-waiting-links = Esperando el enlace de cada réplica con su maestro…
phase-sentinels = Arrancando los Sentinels y esperando a que se conozcan (se saludan cada 2 s)…
phase-loading = Cargando los datos del laboratorio…
phase-syncing = Esperando a que las réplicas los reciban…

cluster-summary = { $nodes } nodos ({ $masters } maestros, { $replicas } réplicas), { $keys } claves del laboratorio
cluster-created = { $kind ->
    [cluster] Cluster para { $lab } listo
   *[other] Nodos para { $lab } listos
} en { $secs } s: { $summary }.
cluster-reused = { $kind ->
    [cluster] El cluster para { $lab } ya estaba en marcha y sano
   *[other] Los nodos para { $lab } ya estaban en marcha y sanos
}: { $summary }.
cluster-reformed = Cluster para { $lab } formado de nuevo sobre sus nodos en marcha en { $secs } s{ $restarted ->
    [0] {""}
    [one] {" "}(1 nodo rearrancado)
   *[other] {" "}({ $restarted } nodos rearrancados)
}: { $summary }.
cluster-shared-loopback = Esta máquina no puede escuchar en { $base } y las direcciones siguientes, así que los nodos comparten 127.0.0.1 con puertos distintos a partir de { $first }. Las diapositivas muestran esas direcciones.
cluster-next = Míralo con `{ -lab } cluster status`, o con `redis-cli --cluster check { $addr }`.
nodes-next = Míralos con `{ -lab } cluster status`, o con `redis-cli -h { $host } -p { $port } INFO replication`.

role-master = maestro
role-replica = réplica
status-node = NODO
status-role = PAPEL
status-slots = SLOTS
status-keys = CLAVES
status-replica-of = RÉPLICA DE
status-link = ENLACE
status-offset = OFFSET
status-flags = MARCAS
status-up = activo
status-down = caído
status-not-ok = no-ok
status-open-slots = { $count } abiertos
status-not-running = parado
status-paused = pausado (SIGSTOP)
status-healthy = Todos los nodos ok, slots cubiertos, vistas coincidentes, réplicas enlazadas.
status-healthy-plain = Todos los nodos responden y cada réplica está enlazada con su maestro.
status-sentinel = Sentinel { $sentinel }: { $name } en { $master } ({ $flags }), { $replicas } réplicas, { $sentinels } Sentinels más

check-master-line = { $addr } ({ $id }...) -> { $keys } claves | { $slots } slots | { $replicas } réplicas.
check-keys = { $keys } claves en { $masters } maestros.
check-keys-per-slot = { $avg } claves por slot de media.
check-performing = Comprobando el cluster (desde el nodo { $addr })
check-slots = slots:{ $ranges } ({ $count } slots) maestro
check-replicas = { $count } réplica(s) más
check-replicates = replica { $id }
check-agree = Todos los nodos coinciden en la configuración de slots.
check-disagree = ¡Los nodos no coinciden en la configuración!
check-open-slots = Buscando slots abiertos...
check-migrating = El nodo { $addr } tiene el slot { $slot } en estado migrating.
check-importing = El nodo { $addr } tiene el slot { $slot } en estado importing.
check-open-list = Estos slots están abiertos: { $slots }.
check-coverage = Comprobando la cobertura de slots...
check-covered = Los 16384 slots están cubiertos.
check-not-covered = No todos los 16384 slots están cubiertos: { $count } sin maestro ({ $slots }).
check-contested = Slots reclamados por más de un maestro: { $slots }.
check-nodes = Comprobando nodos, papeles y enlaces de replicación...
check-reachable = Los { $count } nodos responden.
check-none-failing = Ningún nodo está marcado como fail? o fail.
check-failing = { $node } está marcado como { $flags }.
check-roles = { $masters } maestros, { $replicas } réplicas.
check-no-replica = El maestro { $addr } no tiene réplica: si cae, sus slots caen con él.
check-links-up = Los enlaces de replicación de todas las réplicas están activos.

down-done = Detenidos { $count } nodos{ $killed ->
    [0] {""}
   *[other] {" "}({ $killed } hubo que matarlos)
} y borrados sus ficheros.
down-private = Detenidos también { $count } nodos que dejó un `lab test` o `lab bench` interrumpido.
down-nothing = No había ningún cluster en marcha.
down-forgot-remote = Olvidado el cluster indicado con --nodes; sus nodos no son nuestros, así que siguen en marcha.
seen-unknown = desconocido
seen-master = maestro de { $slots }
seen-master-no-slots = un maestro sin slots
seen-replica = réplica de { $master }
error-setup-stuck = la preparación del laboratorio no ha surtido efecto a tiempo ({ $action }); `{ -lab } cluster status` muestra los nodos.
phase-replaying = Repitiendo con sus soluciones los pasos que ya habías hecho…
phase-setup = Dejando el cluster en el estado inicial del laboratorio…
node-stopped = { $kind ->
    [sentinel-process] { $node } detenido limpiamente (SHUTDOWN): se conserva su sentinel.conf, con lo que aprendió; `{ -lab } node start` lo vuelve a arrancar.
    [cluster] { $node } detenido limpiamente (SHUTDOWN SAVE): se conservan sus datos y su nodes.conf; `{ -lab } node start` lo vuelve a arrancar.
   *[other] { $node } detenido limpiamente (SHUTDOWN SAVE): se conservan sus datos y su configuración; `{ -lab } node start` lo vuelve a arrancar.
}
node-killed = { $node } matado (SIGKILL, pid { $pid }): como un host caído.{ $kind ->
    [cluster] {" "}Los demás lo marcan fail? tras cluster-node-timeout, y luego fail.
    [sentinel] {" "}Los Sentinels lo ven caído subjetivamente (+sdown) tras down-after, y objetivamente (+odown) cuando un quórum coincide.
    [sentinel-process] {" "}Los otros Sentinels lo ven caído tras down-after, y lo siguen contando para la mayoría.
   *[other] {""}
}
node-paused = { $node } pausado (SIGSTOP, pid { $pid }): como un host colgado, presente pero mudo. `{ -lab } node resume` lo despierta.
node-resumed = { $node } reanudado (SIGCONT).
node-started = { $node } arrancado de nuevo (pid { $pid }) con su { $kind ->
    [cluster] nodes.conf: vuelve a unirse al cluster.
    [sentinel-process] sentinel.conf, tal como lo reescribió por última vez.
   *[other] propia configuración, tal como la dejaron CONFIG REWRITE o Sentinel.
}
node-stopped-remote = se ha pedido a { $node } que se detenga (SHUTDOWN); arráncalo de nuevo en su host.
error-node-remote = { $node } pertenece a un cluster indicado con --nodes: a través del protocolo solo funciona `stop` (SHUTDOWN). Matar, pausar, reanudar y arrancar necesitan su proceso: hazlo en su host (en las máquinas virtuales del curso: systemctl stop|kill|start redis-cluster@<puerto>).
error-node-not-running = { $node } no está en marcha; `{ -lab } node start` lo arranca.
error-node-running = { $node } ya está en marcha.
error-node-not-paused = { $node } no está pausado.
error-node-did-not-stop = { $node } no se ha detenido en 10 s; `{ -lab } node kill` lo detiene seguro.
error-record-damaged = El registro del clúster { $path } está dañado ({ $reason }). `{ -lab } cluster down` detiene sus nodos a partir de sus directorios y lo elimina.
cluster-record-damaged-ignored = El registro del clúster { $path } está dañado; se usan los directorios de los nodos en su lugar.
problem-sentinel-not-refused = { $addr } aún no ve que los nodos lo rechazan sin contraseña
