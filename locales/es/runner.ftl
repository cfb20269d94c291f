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
