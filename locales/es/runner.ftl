# Ejecutar laboratorios: lab test, lab start, progreso, soluciones.

kind-action = acción
kind-observe = observación
kind-read = lectura
error-cluster-other-lab = el cluster en marcha se hizo para el laboratorio «{ $lab }», cuyos nodos no encajan con este; ejecuta antes `{ -lab } cluster up --fresh --lab <este laboratorio>` o `{ -lab } stop`.
solution-unbalanced-quotes = comillas sin cerrar en «{ $line }»
solution-failed = «{ $line }» ha fallado: { $reason }
solution-expected-error = «{ $line }» debía rechazarse con { $error }, pero el nodo ha respondido: { $got }
solution-timed-out = «{ $line }» no ha terminado en { $seconds } s
solution-unknown-node = la solución nombra { $node }, que el cluster no tiene
test-start = Probando { $lab } en «{ $lang }» sobre un cluster nuevo y propio…
test-step = PASO
test-kind = TIPO
test-result = RESULTADO
test-time = COMPROBACIONES SUPERADAS TRAS
test-failed = el laboratorio { $lab } no ha pasado.
test-passed = { $lab }: los { $steps } pasos han pasado.
test-no-language = el laboratorio { $lab } no tiene diapositivas en «{ $lang }».
test-did-not-hold = las comprobaciones pasaron y luego dejaron de cumplirse:
test-passed-before = sus comprobaciones ya se cumplen antes de ejecutar la solución, así que el paso no pide nada al estudiante.
test-not-within = sus comprobaciones no se han cumplido en { $seconds } s tras la solución:

start-resuming = Se continúa en el paso «{ $step }».
start-resuming-exercise = Se continúa el ejercicio donde lo dejaste (`{ -lab } grade` califica el cluster tal como está).
start-saved = Progreso guardado; `{ -lab } start { $lab }` continúa aquí. El cluster sigue en marcha (`{ -lab } stop` lo detiene).
progress-damaged = aviso: el progreso guardado en { $path } no se pudo leer; se ha movido a { $aside } y el laboratorio empieza de nuevo.
start-saved-exercise = Progreso guardado; `{ -lab } start { $lab }` continúa aquí, y `{ -lab } grade { $lab }` califica el cluster tal como está. El cluster sigue en marcha (`{ -lab } stop` lo detiene).
start-step = Paso { $n }/{ $total }: { $title } ({ $kind })
start-waiting-cluster = Esperando al cluster; las comprobaciones empiezan en cuanto esté listo.
start-waiting-for = esperando: { $what }
start-cluster-reused = El cluster del laboratorio está en marcha y sano.
start-cluster-reused-as-left = El cluster del laboratorio está en marcha, tal como lo dejaste.
start-cluster-replayed = Ha habido que volver a crear el cluster del laboratorio ({ $secs } s): se han repetido con sus soluciones los pasos anteriores a «{ $step }».
start-cluster-ready = El cluster del laboratorio está listo ({ $secs } s).
start-cluster-failed-hint = Corrige lo que se indica arriba y vuelve a ejecutar `{ -lab } start`; `{ -lab } cluster status` muestra los nodos.
start-nothing-to-check = Este paso no tiene nada que comprobar: léelo y continúa.
start-unknown-input = «{ $input }» no es una orden del programa: Intro (siguiente), b, c, h, n, s, l o q.
start-not-checked-yet = todavía no se han mirado sus comprobaciones
start-finish-first = termina antes el paso «{ $step }»: { $why }. Pulsa h para una pista, c para comprobar otra vez.
start-no-hints = Este paso no tiene pistas.
start-hint = Pista { $n }/{ $total }:
start-log = El log de { $node } desde que empezó el cambio del que trata esta diapositiva (para leer: las comprobaciones nunca usan logs):
start-shell-enter = Prompt integrado: las órdenes de Redis van al nodo indicado; `exit` vuelve al laboratorio.
start-finished = { $lab } completado: { $steps } pasos en { $minutes } min { $seconds } s, { $hints ->
    [0] sin pistas
    [one] 1 pista usada
   *[other] { $hints } pistas usadas
}.
start-finished-exercise = { $lab } superado: mejor nota { $percent } % en { $minutes } min { $seconds } s, { $hints ->
    [0] sin pistas
    [one] 1 pista usada
   *[other] { $hints } pistas usadas
}.
stop-done = Progreso de { $lab } guardado; su cluster está detenido ({ $count } nodos).
error-no-lab-started = aquí no se ha empezado ningún laboratorio; ejecuta `{ -lab } start <laboratorio>` (ver `{ -lab } list`).
error-lab-not-started = el laboratorio { $lab } no se ha empezado; ejecuta `{ -lab } start { $lab }`.
error-unknown-step = «{ $step }» no es un paso de este laboratorio (sus pasos: { $known }).
check-lab-finished = El laboratorio { $lab } está completado.
check-read-step = { $title }: nada que comprobar; sigue con el paso siguiente.
check-passed = { $title }: el cluster lo muestra.
check-next = Siguiente: { $title }
check-failed-step = { $title }: todavía no.
check-not-yet = las comprobaciones del paso todavía no se cumplen.
status-lab = LABORATORIO
status-step = PASO
status-passed = SUPERADOS
status-hints = PISTAS
status-time = TIEMPO
status-finished = completado
status-no-progress = Todavía no se ha empezado ningún laboratorio: `{ -lab } list` los muestra y `{ -lab } start <laboratorio>` empieza uno.
status-cluster = Cluster: { $lab }, { $nodes }/{ $total } nodos responden, { $health }.
status-cluster-healthy = sano
status-cluster-unhealthy = no está sano (ver `{ -lab } cluster check`)
status-no-cluster = No hay ningún cluster en marcha.
reset-replay-failed = al repetir el paso «{ $step }» no se ha llegado a su estado: { $why }
reset-already = el cluster ya estaba como al principio del laboratorio
reset-and-replayed = { $how } y { $count ->
    [one] repetido el paso anterior con su solución
   *[other] repetidos { $count } pasos anteriores con sus soluciones
}
reset-takeover = { $count } { $count ->
    [one] maestro ha recuperado sus slots
   *[other] maestros han recuperado sus slots
} con CLUSTER FAILOVER TAKEOVER
reset-reformed = formado de nuevo sobre los nodos en marcha
reset-done = De vuelta al principio del paso «{ $step }» ({ $how }).

cons-err = { $count } err
cons-lost = { $count } perdidas
cons-noack = { $count } sin confirmar
cons-ops = { $ops } ops/s
cons-started = Prueba de consistencia { $run }: { $keys } claves contador, { $workers } trabajadores, una línea por segundo; Ctrl-C la termina.
cons-summary-head = Prueba de consistencia { $run }: { $secs } s, { $workers } trabajadores, { $keys } claves.
cons-summary-ops = { $reads } lecturas ({ $read_errors } errores), { $writes } escrituras ({ $write_errors } errores), { $ops } ops/s.
cons-summary-lost = Escrituras confirmadas perdidas: { $lost }.
cons-summary-errors = Errores por tipo: { $kinds }.
cons-summary-redirects = Redirigidas mientras los slots cambiaban de maestro (normal; se reintentan): { $kinds }.
cons-summary-no-failover = Ningún slot en el que escribía cambió de maestro.
cons-summary-failover = Los slots { $slots } pasaron de { $from } a { $to } a los { $at } s: { $kind }.
cons-summary-master-changed = El maestro pasó de { $from } a { $to } a los { $at } s: { $kind }.
cons-summary-leftovers = Borradas { $count } claves que dejó una ejecución anterior interrumpida.
cons-passed = No se ha perdido ninguna escritura confirmada.
cons-failed = Se han perdido { $lost } escrituras confirmadas.
cons-lost-explained = { $count } perdidas ({ $explained } explicadas)
cons-unverified = { $count } por leer en su nuevo maestro
cons-kind-coordinated = un failover coordinado
cons-kind-uncoordinated = un failover no coordinado
cons-kind-migration = una migración de slots
cons-kind-unknown = un cambio que el nuevo maestro no describió
cons-summary-rate = Limitada a { $rate } ops/s como máximo, para dejar la máquina al cluster (--rate max quita el límite).
cons-summary-rate-max = Sin límite (--rate max): tan rápido como responde el cluster.
cons-summary-explained = { $explained } de ellas se escribieron donde se hizo cargo un failover no coordinado. Un maestro confirma una escritura antes de que la tenga su réplica (la replicación es asíncrona); un failover sin el maestro antiguo (TAKEOVER, FORCE, un maestro caído, un failover de Sentinel) pierde lo que la réplica aún no había recibido. Es lo que Redis permite, no un fallo de esta prueba; un failover coordinado (CLUSTER FAILOVER, o el comando FAILOVER de la replicación sin cluster) espera a la réplica y no pierde nada.
cons-summary-unacked = Sin confirmar, no cuentan como perdidas: { $noack } aplicadas sin respuesta, { $maybe } enviadas sin respuesta (aplicadas o no), { $gone } vistas por una lectura y desaparecidas después.
cons-summary-sweep = Barrido final: { $swept } claves leídas de nuevo en su maestro en { $ms } ms.
cons-summary-unverified = { $count } claves no se pudieron leer de nuevo antes del final (¿un nodo caído?): no se sabe qué les pasó.
cons-summary-window = Máxima indisponibilidad de escritura { $ms } ms (el shard de { $master }, desde los { $at } s), de la última escritura confirmada a la primera después, con una precisión de { $resolution } ms (el intervalo habitual entre dos).
cons-summary-round-trip = Ida y vuelta de un pipeline (uno por maestro y lote de claves, no de un comando): p50 { $p50 } ms, p99 { $p99 } ms, máx. { $max } ms.
cons-passed-explained = No se ha perdido ninguna escritura confirmada que los failovers no expliquen ({ $explained } perdidas por failovers no coordinados, como se dice arriba).
cons-unverified-verdict = No se ha visto ninguna pérdida, pero { $count } claves no se pudieron leer de nuevo: la prueba no puede decir que no se perdió nada.
error-bad-duration = «{ $value }» no es una duración; escribe 30s, 2m, 500ms o un número de segundos.
start-consistency-started = La prueba de consistencia está en marcha: contadores escritos y leídos a través del cluster, contando cada escritura confirmada que se pierda (su línea está debajo).

grade-criterion = CRITERIO
grade-points = PUNTOS
grade-differs = QUÉ FALTA
grade-hint-penalty = { $hints ->
    [one] 1 pista usada
   *[other] { $hints } pistas usadas
}: -{ $points } puntos.
grade-total = Total: { $points }/{ $max } ({ $percent } %). { $verdict }
grade-passed = Aprobado.
grade-not-passed = Todavía no aprobado: hace falta el { $mark } %.
grade-saved = Informe guardado en { $path }.
grade-text-head = Calificación de { $lab } (ficheros del laboratorio { $hash }), en «{ $lang }», intento { $attempt }.
grade-integrity = Integridad
grade-verify-unreadable = { $path } no es un informe de calificación: { $reason }
grade-verify-authentic = El informe es auténtico: firmado con esta clave y sin cambios ({ $lab }, { $percent } %).
grade-verify-checksum = El informe no ha cambiado desde que se escribió ({ $lab }, { $percent } %). Lleva una suma de comprobación, no una firma: detecta accidentes, no falsificaciones.
grade-verify-unsigned = el informe no está firmado con tu clave: solo lleva una suma de comprobación, que cualquiera puede calcular, así que no demuestra nada.
grade-verify-needs-key = el informe está firmado: indica la clave con --key-file o LAB_GRADE_KEY para comprobarlo.
grade-verify-altered = { $path } ha cambiado desde que se escribió (o se firmó con otra clave).
error-not-an-exercise = el laboratorio { $lab } no es un ejercicio: no tiene calificación. Sus pasos se comprueban sobre la marcha (`{ -lab } check`).
test-exercise-solved-untouched = la preparación sin tocar ya saca un { $percent } %, al menos el aprobado: el ejercicio no pide nada.
test-exercise-not-solved = tras la solución, no todos los criterios se han cumplido en { $seconds } s:
test-exercise-unsolved = Preparación sin tocar: { $points }/{ $max } ({ $percent } %), por debajo del aprobado del { $mark } %.
test-exercise-solved = Tras la solución: { $points }/{ $max } ({ $percent } %) en { $secs } s.
start-exercise = Ejercicio: g lo califica, h da una pista (cuesta { $cost } puntos). { $left }
start-time-left = Tiempo restante: { $left }.
start-time-up = Se acabó el tiempo: esta es tu nota con el cluster como está.
start-exercise-end = Era la última diapositiva. Trabaja en el cluster; pulsa g para calificar y q para salir (tu trabajo se guarda).
start-exercise-passed = Ejercicio aprobado.
status-exercise-passed = ejercicio aprobado, mejor nota { $best } %
status-exercise-best = ejercicio, mejor nota { $best } % (se aprueba con el { $mark } %)
status-exercise-ungraded = ejercicio, todavía sin calificar
test-exercise-passed = { $lab }: la preparación sin tocar suspende y la solución aprueba.

# La pantalla del runner.
start-keys = ↵ siguiente · b atrás · ↑↓ RePág AvPág desplazar · c comprobar · h pista · n notas · s prompt · l log · y copiar · ? teclas · q salir
start-keys-prompt = ↵ ejecutar · ↑↓ historial · Esc o exit: volver a las diapositivas
start-keys-closing = ↑↓ RePág AvPág desplazar · b volver a las diapositivas · cualquier otra tecla: salir
start-keys-overlay = ↑↓ RePág AvPág desplazar · q o Esc cerrar
start-state-no-cluster = sin cluster
start-state-cluster = esperando al cluster
start-state-waiting = comprobándose
start-state-later = un paso posterior
start-state-done = hecho
start-more-below = ▼ { $count } { $count ->
    [one] línea más
   *[other] líneas más
} (↓, AvPág, Espacio)
start-no-notes = Esta diapositiva no tiene notas del ponente.
start-copied = Copiado al portapapeles: { $command }
start-nothing-to-copy = Esta diapositiva no muestra ningún comando que copiar.
start-no-more-hints = { $total ->
    [one] No hay más pistas: la única está arriba.
   *[other] No hay más pistas: las { $total } están arriba.
}
start-at-once = en el acto
start-took-under = menos de { $secs }
start-passed-request = { $title }: hecho. El cluster tardó { $took } desde CLUSTER FAILOVER en { $node } hasta este estado (mirado cada { $every }).
start-passed-fault = { $title }: hecho. Los nodos tardaron { $took } desde `{ -lab } node { $action } { $node }` hasta este estado.
start-passed-step = { $title }: hecho, { $took } después de empezar el paso.
start-passed-at-once = { $title }: hecho, en cuanto empezó el paso.
start-you-spent = Tú: { $secs } en este paso.
start-not-saved = Progreso sin guardar: { $why }. Se intentará de nuevo en el siguiente cambio.
start-not-saved-quit = No se pudo guardar el progreso: { $why }.
start-taken-over = Otro `{ -lab } start` (pid { $pid }) ha tomado este laboratorio; progreso guardado.
start-already-running = { $lab } ya está abierto en otra { $what } (pid { $pid }, desde las { $since }). Sigue allí, ciérralo allí, o tómalo aquí con `{ -lab } start { $lab } --take-over`.
start-already-running-unknown = { $lab } ya está abierto en otra terminal. Sigue allí, ciérralo allí, o tómalo aquí con `{ -lab } start { $lab } --take-over`.
start-take-over-no-answer = el runner de este laboratorio (pid { $pid }) no guardó ni salió en { $secs } s; detenlo (kill { $pid }) y vuelve a intentarlo.
start-invocation = Aquí `lab` es `{ $invocation }`: donde las diapositivas dicen `lab …`, ejecuta `{ $invocation } …` (desde este directorio), o instálalo con `cargo install --path .`.
start-closing-key = Pulsa cualquier tecla para salir (b vuelve a las diapositivas).
start-col-cluster = TARDÓ EL CLUSTER
start-col-you = TARDASTE TÚ
start-from-request = { $took } desde CLUSTER FAILOVER
start-from-fault = { $took } desde `node { $action }`
start-log-empty = Nada nuevo en el log de { $node } desde que empezó el cambio del que trata esta diapositiva; sus últimas líneas:
start-cluster-failed = no se pudo levantar el cluster del laboratorio.
start-help-title = Teclas
start-help =
    Intro, →          diapositiva siguiente (el paso en pantalla debe estar hecho)
    b, ←, Retroceso   diapositiva anterior
    ↑ ↓, j k          desplazar la diapositiva una línea
    RePág AvPág, Esp  desplazar una página (Espacio al final: siguiente diapositiva)
    Inicio Fin        principio, final de la diapositiva
    c                 comprobar ahora el paso actual y decir qué falta
    h                 la siguiente pista (las de un ejercicio cuestan puntos)
    n                 notas del ponente
    s                 prompt redis-cli integrado (exit o Esc vuelve)
    l                 el log del nodo del que trata la diapositiva, desde que empezó el paso
    g                 calificar un ejercicio
    y                 copiar el comando de la diapositiva al portapapeles
    q                 salir: el progreso queda guardado, el cluster sigue en marcha
watch-holding = las comprobaciones se cumplen: { $held } de los { $hold } s que deben mantenerse
start-resumed-as-left = Se retoma con los nodos como los dejaste, aunque no todos están sanos (`{ -lab } cluster status` dice qué): quizá sea el paso en que estabas. `{ -lab } reset` devuelve el principio de este paso.
