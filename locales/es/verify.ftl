# Comprobaciones: lo que se esperaba y lo que muestra ahora el cluster.

verify-it-does-not-answer = no responde
verify-it-is-empty-master = es un maestro sin slots
verify-it-is-plain-master = es un maestro
verify-it-is-master = es maestro de { $slots }
verify-it-is-replica = es réplica de { $master }
verify-cluster-ok = estos nodos no informan cluster_state:ok: { $nodes }
verify-slots-covered = { $count ->
    [one] 1 slot no tiene
   *[other] { $count } slots no tienen
} maestro: { $slots }
verify-nodes-agree = los nodos todavía no coinciden: { $detail }
verify-nodes-agree-unreachable = no se pueden comparar los nodos: { $node } no responde
verify-no-open-slots = hay slots que siguen migrando o importando: { $slots }
verify-replicas-in-sync = el enlace de replicación con el maestro está caído en { $nodes }
verify-masters = se esperaban { $expected } maestros sirviendo slots; hay { $actual } ({ $nodes })
verify-replicas = se esperaban { $expected } réplicas; hay { $actual }
verify-keys = se esperaban { $expected } claves del laboratorio; los maestros tienen { $actual }
verify-keys-unknown = se esperaban { $expected } claves del laboratorio; no se han podido contar
verify-role = se esperaba que { $node } fuera { $role }; { $actual }
verify-replica-of = se esperaba que { $node } fuera réplica de { $master }; { $actual }
verify-slots = se esperaba que { $node } fuera maestro de { $slots }; { $actual }
verify-no-start-state = no se guardó el estado de { $node } al empezar el paso, así que no se pueden comprobar cambios; vuelve a empezar el paso
verify-epoch-rose = se esperaba que la config epoch de { $node } subiera de { $before }; sigue siendo { $now }
verify-epoch-unknown = no se puede leer la config epoch de { $node }: no responde
verify-roles-not-paired = { $a } y { $b } no eran maestro y réplica el uno del otro al empezar el paso
verify-roles-swapped = se esperaba que { $replica } sustituyera a su maestro { $master }; { $actual }
verify-consistency-not-running = no hay ninguna prueba de consistencia en marcha en este paso
verify-consistency-lost = la prueba de consistencia perdió { $lost } escrituras confirmadas que ningún failover no coordinado explica (se permiten { $allowed } como máximo)
verify-consistency-unverified = a la prueba de consistencia le quedan { $count } claves de los slots movidos por leer en su nuevo maestro: hasta entonces no puede decir qué perdió el cambio
verify-consistency-no-failover = la prueba de consistencia ha hecho { $writes } escrituras pero ningún slot en el que escribía ha cambiado de maestro mientras se ejecutaba (ni failover ni resharding)

diagnose-wrong-replica = { $promoted } ha sustituido a { $master }, pero este paso quiere promocionar { $expected }. Deshazlo volviendo atrás cuando todos los nodos conozcan el cambio (unos segundos: hasta entonces { $promoted } ignora a su nueva réplica y el failover caduca; `{ -lab } cluster check` dice cuándo coinciden todos): { $undo }
diagnose-sent-to-master = { $node } es un maestro, así que ha rechazado CLUSTER FAILOVER ("You should send CLUSTER FAILOVER to a replica"). Envíalo a la réplica { $replica }: { $command }
diagnose-link-down = { $replica } no puede sustituir a su maestro: su enlace de replicación con { $master } está caído (INFO replication muestra master_link_status). Espera a que vuelva y prueba otra vez.
diagnose-timed-out = { $replica } aceptó CLUSTER FAILOVER hace { $seconds } s, pero los papeles no han cambiado: un failover manual se abandona a los 5 s si la réplica no alcanza a su maestro o no consigue los votos. Los maestros no vuelven a votar por el mismo maestro hasta pasados 2 × cluster-node-timeout ({ $vote } s aquí), y una réplica que ya ha celebrado una elección no puede empezar otra hasta pasados 4 × cluster-node-timeout ({ $retry } s aquí). Comprueba que su enlace está activo (INFO replication), espera { $retry } s y vuelve a ejecutarlo: { $command }
verify-consistency-changes = la prueba de consistencia ha visto { $seen } cambios de maestro en sus slots; se esperaban al menos { $expected } (un failover y un failback son dos)
verify-known-nodes = se esperaba que cada nodo conociera { $expected } nodos; { $node } conoce { $known }
verify-known-nodes-unreachable = no se pueden contar los nodos: { $node } no responde
verify-down = se esperaba que { $node } estuviera caído; responde
verify-flagged = se esperaba que los demás nodos marcaran { $node } como { $flag }; todavía ninguno lo hace
verify-elapsed-soon = esto ha ocurrido { $secs } s después de empezar el paso, antes de { $min } s
verify-elapsed-late = esto ha tardado { $secs } s desde el principio del paso, más de { $max } s
verify-info = se esperaba que { $field } de { $node } fuera { $wanted }; es { $now } (era { $before } al empezar el paso)
verify-info-changed = distinto
verify-info-unchanged = igual
verify-info-increased = mayor en { $by }
verify-info-no-field = { $node } no tiene el campo de INFO { $field } (se leen las secciones replication, stats, persistence, server y errorstats)
verify-info-unreachable = no se puede leer el INFO de { $node }: no responde
verify-syncs = se esperaba que { $node } sirviera sincronizaciones completas: { $want_full }, parciales: { $want_partial } desde que empezó el paso; ha servido { $full } completas y { $partial } parciales ({ $refused } parciales rechazadas)
verify-syncs-unknown = no se pueden leer las sincronizaciones que ha servido { $node }: no responde
verify-keys-follow-slots = se esperaba que { $node } tuviera las { $expected } claves del laboratorio de los slots que sirve; tiene { $actual }

# Cómo se escribe una comprobación: lo que deben ser sus argumentos.
check-bad-value = «{ $value }» no es { $what }; escríbelo como { $usage }
check-missing-field = falta «{ $field }» en { $kind }; escríbelo como { $usage }
check-unknown-field = «{ $field }» no es un campo de { $kind } (sus campos: { $known }); escríbelo como { $usage }
check-what-fields = un mapa con { $fields }
check-what-node = un nombre de nodo
check-what-number = un número entero
check-what-flag = true o false
check-what-role = un rol
check-what-slots = una lista de rangos de slots
check-what-nodes = una lista de { $count } nombres de nodo
check-what-info-field = un nombre de campo de INFO, como sync_full
check-what-comparison = un mapa con uno de { $known }
check-what-info-value = un solo valor
check-syncs-what = full:, partial: o ambos
check-what-flag-kind = una marca de fallo (fail o suspected)

# Por qué lint no puede juzgar una comprobación sobre el estado imaginado.
sim-not-consistency = { $kind } lee la prueba de consistencia que corre en segundo plano
sim-not-time = { $kind } mide tiempo en un cluster real
sim-not-processes = { $kind } depende de qué procesos están en marcha
sim-not-info = { $kind } lee campos de INFO que solo tienen los nodos en marcha
sim-not-syncs = { $kind } cuenta las sincronizaciones que sirven los nodos en marcha
sim-not-gossip = { $kind } depende de lo que los nodos se cuentan con el tiempo

verify-key-missing = { $node } no tiene la clave «{ $key }».
verify-key-present = { $node } aún tiene la clave «{ $key }» (un { $kind }); debería haber desaparecido.
verify-key = en { $node } la clave «{ $key }» debería ser { $wanted }; es { $has }.
verify-key-len = { $len ->
    [one] longitud 1
   *[other] longitud { $len }
}
check-what-key = el nombre de una clave, como «key: saludo»
check-what-key-type = uno de { $known }
check-what-key-value = un valor, como texto
check-key-missing-with-fields = «exists: false» dice que la clave no está; no puede tener además tipo, valor o longitud.
sim-not-key = «{ $kind }» lee las propias claves, que un estado dibujado no tiene.
verify-config = { $name } en { $node } debería estar { $wanted }; está { $has }.
verify-config-value = a «{ $value }»
verify-config-set = con valor
verify-config-unset = sin valor
verify-config-empty = vacío
verify-config-unknown = { $node } no dio { $name } (CONFIG GET no tiene ese parámetro, o lo rechazó).
check-what-config-name = un parámetro de CONFIG, como «name: repl-backlog-size»
check-what-config-value = un valor, tal como lo da CONFIG GET
check-config-secret-value = el valor de una contraseña nunca se lee; pregunta «set: true».
check-config-value-or-set = uno de «value:» o «set:»
sim-not-config = «{ $kind }» lee el CONFIG de los nodos, que un estado dibujado no tiene.
verify-no-sentinel = no responde ningún Sentinel.
verify-sentinel-forgot = { $sentinel } no vigila al maestro del laboratorio
verify-sentinel-master = todos los Sentinels deberían nombrar a { $master } como maestro; { $others }
verify-sentinel-unreachable = el Sentinel { $sentinel } no responde.
verify-sentinel = el Sentinel { $sentinel } debería { $what }
verify-sentinel-replicas = conocer { $wanted } réplicas; conoce { $seen }
verify-sentinel-sentinels = conocer { $wanted } Sentinels más; conoce { $seen }
verify-sentinel-sees = ver al maestro { $wanted }; lo ve { $seen }
check-what-sentinel-sees = uno de { $known }
check-sentinel-nothing = una comprobación de lo que sabe el Sentinel: replicas, sentinels, sees o quorum
sim-not-sentinel = «{ $kind }» pregunta a los Sentinels, que un estado dibujado no tiene.

# reply
check-reply-command = «{ $command }» no es un comando que una comprobación pueda mandar: se manda varias veces por segundo, así que solo se admiten estos: { $allowed }
check-reply-what = uno de «is: <respuesta>», «error: <cómo empieza el rechazo>» o «changed: true»
verify-reply-unanswered = { $node } no ha respondido a «{ $command }»: no contesta
verify-reply-value = { $node } debería responder a «{ $command }» con «{ $want }»; ha respondido { $got }
verify-reply-error = { $node } debería rechazar «{ $command }» con { $want }; ha respondido { $got }
verify-reply-unchanged = { $node } sigue respondiendo a «{ $command }» como al empezar el paso: { $got }
sim-not-reply = «{ $kind }» manda un comando a un nodo en marcha, y un estado dibujado no puede responderlo.
verify-sentinel-quorum = tener un quórum de { $wanted }; tiene { $seen }

verify-info-now = se esperaba que { $field } de { $node } fuera { $wanted }; es { $now }
verify-info-eq = { $value }
verify-info-ne = distinto de { $value }
verify-info-lt = menor que { $value }
verify-info-le = como mucho { $value }
verify-info-gt = mayor que { $value }
verify-info-ge = al menos { $value }
