# Textos de ayuda de cada orden y argumento (`lab --help`, `lab <orden> --help`).

help-usage = Uso:
help-heading-commands = Órdenes
help-heading-options = Opciones
help-heading-arguments = Argumentos
help-value-command = ORDEN
help-value-options = [OPCIONES]
arg-help = Muestra la ayuda
arg-version = Muestra la versión

about-lab = Laboratorios prácticos de Redis Cluster: las diapositivas del curso convertidas en ejercicios comprobados sobre un cluster real.
arg-lab-lang = Idioma de los mensajes y las diapositivas: en o es [por defecto: según LAB_LANG, LANGUAGE, LC_ALL, LC_MESSAGES o LANG; si no, en]
arg-lab-color = Cuándo usar colores: auto, always o never [por defecto: auto; NO_COLOR los desactiva]
arg-lab-labs_dir = Directorio con los laboratorios [variable: LAB_LABS_DIR; por defecto: ./labs o, si no, los de esta compilación]

about-list = Lista los laboratorios, con su título y su número de pasos
about-show = Muestra las diapositivas de un laboratorio en la terminal
arg-show-lab = Identificador del laboratorio (ver `lab list`), su directorio o un fichero de diapositivas
arg-show-notes = Muestra también las notas del ponente
arg-show-topology = Direcciones que se rellenan: local (127.0.158.100-102) o vagrant (las máquinas virtuales del curso, 192.168.158.100-102) [por defecto: local]
about-lint = Busca errores en los laboratorios: manifiesto, diapositivas, marcas de paso, plantillas, comprobaciones, soluciones y codificación
arg-lint-labs = Identificadores de laboratorio, directorios o ficheros de diapositivas

cli-invalid-value = «{ $value }» no es un valor válido para { $arg }.
cli-possible-values = Valores posibles: { $valid }.
cli-unknown-argument = opción desconocida { $arg }.
cli-unknown-command = orden desconocida «{ $command }».
cli-missing-argument = falta un argumento obligatorio: { $arg }.
cli-missing-command = falta la orden.
cli-conflict = { $arg } no se puede usar con { $other }.
cli-wrong-values = número de valores incorrecto para { $arg }.
cli-try-help = Ejecuta con --help para ver qué se acepta.

arg-lab-state_dir = Dónde se guardan el cluster y el progreso [variable: LAB_STATE_DIR; por defecto: $XDG_STATE_HOME/lab o ~/.local/state/lab]
arg-lab-redis_server = El redis-server que se ejecuta [variable: LAB_REDIS_SERVER; por defecto: redis-server del PATH]
arg-lab-base_ip = Primera dirección de loopback de los hosts del cluster local [variable: LAB_BASE_IP; por defecto: 127.0.158.100]
arg-lab-shared_loopback = Ejecuta todos los nodos en 127.0.0.1 con puertos distintos (desde LAB_BASE_PORT, 7000), como cuando no se puede usar 127.0.158.x
arg-lab-quiet = Sin indicadores de progreso
about-cluster = Arranca, inspecciona, comprueba y detiene el Redis Cluster del laboratorio
about-cluster-up = Arranca el cluster del laboratorio (o reutiliza uno sano) y carga sus datos
arg-cluster-up-lab = Laboratorio cuya topología y datos se usan [por defecto: el del cluster en marcha o, si no, manual-failover]
arg-cluster-up-fresh = Forma de nuevo el cluster aunque esté sano, sobre los nodos en marcha cuando se pueda (se vuelven a cargar los datos)
arg-cluster-up-nodes = Usa estos nodos existentes en lugar de arrancar redis-server: host:puerto o redis://[:contraseña@]host:puerto, separados por comas, en el orden de nodos del laboratorio
about-cluster-status = Muestra cada nodo: papel, slots, claves, maestro, enlace de replicación, offset y marcas
arg-cluster-status-nodes = Mira estos nodos en lugar del cluster local (host:puerto, separados por comas)
arg-cluster-status-json = Imprime la instantánea completa en JSON
about-cluster-check = Comprueba un cluster como redis-cli --cluster check, y además nodos, fallos, papeles y enlaces de replicación; sale con 1 ante cualquier error
arg-cluster-check-node = Cualquier nodo del cluster que se comprueba (los demás se descubren desde él) [por defecto: el cluster local]
arg-cluster-check-nodes = Comprueba exactamente estos nodos (host:puerto, separados por comas)
about-cluster-down = Detiene todos los nodos del cluster local, también los que dejó un proceso interrumpido, y borra sus ficheros
about-logs = Muestra el log de un nodo local
arg-logs-node = El nodo: su dirección (127.0.158.101:6379) o el nombre que le da el laboratorio (b:6379)
arg-logs-follow = Sigue mostrando lo que se escribe en el log (Ctrl-C para parar)
arg-logs-lines = Cuántas líneas del final se muestran [por defecto: 40]
about-bench = Mide lo rápido que es el programa en esta máquina e imprime medianas (un cluster propio en 127.0.160.100-102)
arg-bench-what = Qué se mide: provision (arranque en frío, formar de nuevo, instantánea, parada)
arg-bench-runs = Cuántas veces [por defecto: 5]
about-test = Demuestra que un laboratorio funciona: sobre un cluster nuevo y propio, cada acción falla antes de su solución y pasa después, y cada observación se cumple
arg-test-lab = El laboratorio que se prueba
