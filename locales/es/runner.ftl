# Ejecutar laboratorios: lab test, lab start, progreso, soluciones.

kind-action = acción
kind-observe = observación
kind-read = lectura
error-cluster-other-lab = el cluster en marcha se hizo para el laboratorio «{ $lab }», cuyos nodos no encajan con este; ejecuta antes `lab cluster up --fresh --lab <este laboratorio>` o `lab stop`.
solution-unbalanced-quotes = comillas sin cerrar en «{ $line }»
solution-failed = «{ $line }» ha fallado: { $reason }
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
start-saved = Progreso guardado; `lab start { $lab }` continúa aquí. El cluster sigue en marcha (`lab stop` lo detiene).
start-step = Paso { $n }/{ $total }: { $title } ({ $kind })
start-waiting-cluster = El cluster todavía está arrancando; las comprobaciones empiezan en cuanto esté listo.
start-waiting-for = esperando: { $what }
start-keys = ↵ sigue · b atrás · c comprueba · h pista · n notas · s prompt · l log · q sale
start-cluster-reused = El cluster del laboratorio está en marcha y sano.
start-cluster-ready = El cluster del laboratorio está listo ({ $secs } s).
start-cluster-failed-hint = Corrige lo que se indica arriba y vuelve a ejecutar `lab start`; `lab cluster status` muestra los nodos.
start-nothing-to-check = Este paso no tiene nada que comprobar: léelo y continúa.
start-passed = { $title }: hecho ({ $secs } s).
start-unknown-input = «{ $input }» no es una orden del programa: Intro (siguiente), b, c, h, n, s, l o q.
start-not-checked-yet = todavía no se han mirado sus comprobaciones
start-finish-first = termina antes el paso «{ $step }»: { $why }. Pulsa h para una pista, c para comprobar otra vez.
start-no-hints = Este paso no tiene pistas.
start-hint = Pista { $n }/{ $total }:
start-log = El final del log de { $node } (para leer; las comprobaciones nunca usan logs):
start-shell-enter = Prompt integrado: las órdenes de Redis van al nodo indicado; `exit` vuelve al laboratorio.
start-finished = { $lab } completado: { $steps } pasos en { $minutes } min { $seconds } s, { $hints ->
    [0] sin pistas
    [one] 1 pista usada
   *[other] { $hints } pistas usadas
}.
stop-done = Progreso de { $lab } guardado; su cluster está detenido ({ $count } nodos).
error-no-lab-started = aquí no se ha empezado ningún laboratorio; ejecuta `lab start <laboratorio>` (ver `lab list`).
error-lab-not-started = el laboratorio { $lab } no se ha empezado; ejecuta `lab start { $lab }`.
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
status-no-progress = Todavía no se ha empezado ningún laboratorio: `lab list` los muestra y `lab start <laboratorio>` empieza uno.
status-cluster = Cluster: { $lab }, { $nodes }/{ $total } nodos responden, { $health }.
status-cluster-healthy = sano
status-cluster-unhealthy = no está sano (ver `lab cluster check`)
status-no-cluster = No hay ningún cluster en marcha.
reset-replay-failed = al repetir el paso «{ $step }» no se ha llegado a su estado: { $why }
reset-already = ya estaba así
reset-takeover = { $count } { $count ->
    [one] maestro ha recuperado sus slots
   *[other] maestros han recuperado sus slots
} con CLUSTER FAILOVER TAKEOVER
reset-reformed = formado de nuevo sobre los nodos en marcha
reset-done = De vuelta al principio del paso «{ $step }» ({ $how }).
