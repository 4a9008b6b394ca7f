package io.kubewalk.app.gui;

import io.kubewalk.sim.scenario.LessonInfo;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.concurrent.Task;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Alert;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextArea;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.stage.Stage;

/**
 * The kubewalk desktop app: pick a built-in lesson (or open a scenario file), read its narrative,
 * see its cluster as kubectl shows it, trace packets, run commands on nodes and pods, and watch
 * the API calls of applying it. Loading and tracing run in background tasks so the window never
 * freezes. For the classroom: Ctrl+= / Ctrl+- change the font size, File > Export writes the
 * current view as a PNG.
 */
public final class KubewalkApp extends Application {

  /** Set (in milliseconds) to close the window on its own, for smoke checks under Xvfb. */
  static final String EXIT_AFTER_ENV = "KUBEWALK_EXIT_AFTER_MS";

  private final LessonBrowserModel model = new LessonBrowserModel();
  private final FontSizeModel fontSize = new FontSizeModel();
  private TracePane tracePane;
  private TerminalPane terminalPane;
  private ApiHubPane apiPane;
  private Label title;
  private Label narrative;
  private TextArea overview;
  private ProgressIndicator busy;
  private Stage stage;
  private String current = "";
  private LessonBrowserModel.Page lastFailure;

  @Override
  public void start(Stage stage) {
    this.stage = stage;
    List<String> params = getParameters() == null ? List.of() : getParameters().getRaw();
    String initial = params.isEmpty() ? "kubeadm-flannel" : params.get(0);

    ListView<LessonInfo> lessons = new ListView<>();
    lessons.setId("lessons");
    lessons.getItems().setAll(model.lessons());
    lessons.setCellFactory(v -> new ListCell<>() {
      @Override
      protected void updateItem(LessonInfo item, boolean empty) {
        super.updateItem(item, empty);
        setText(empty || item == null ? null : item.name() + "\n" + item.title());
      }
    });
    lessons.setPrefWidth(250);

    title = new Label();
    title.setId("title");
    title.getStyleClass().add("lesson-title");
    title.setWrapText(true);
    narrative = new Label();
    narrative.setId("narrative");
    narrative.setWrapText(true);
    overview = new TextArea();
    overview.setId("overview");
    overview.setEditable(false);
    overview.getStyleClass().add("mono");
    busy = new ProgressIndicator();
    busy.setId("loading");
    busy.setMaxSize(24, 24);
    busy.setVisible(false);

    tracePane = new TracePane();
    tracePane.setId("tracePane");
    terminalPane = new TerminalPane(
        () -> tracePane.model() == null ? null : tracePane.model().simulation(),
        () -> tracePane.model() == null ? null : tracePane.model().trace());
    terminalPane.setId("terminalPane");
    apiPane = new ApiHubPane();
    apiPane.setId("apiPane");
    narrative.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
    narrative.setPadding(new Insets(4, 2, 8, 2));
    VBox lessonBox = new VBox(narrative, overview);
    VBox.setVgrow(overview, Priority.ALWAYS);
    Tab clusterTab = new Tab("Cluster", lessonBox);
    Tab traceTab = new Tab("Trace", tracePane);
    Tab terminalTab = new Tab("Terminal", terminalPane);
    Tab apiTab = new Tab("API calls", apiPane);
    TabPane tabs = new TabPane(clusterTab, traceTab, terminalTab, apiTab);
    tabs.setId("tabs");
    tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
    HBox head = new HBox(10, title, busy);
    HBox.setHgrow(title, Priority.ALWAYS);
    VBox right = new VBox(8, head, tabs);
    right.setPadding(new Insets(12));
    VBox.setVgrow(tabs, Priority.ALWAYS);
    SplitPane split = new SplitPane(lessons, right);
    SplitPane.setResizableWithParent(lessons, false);
    split.setDividerPositions(0.19);

    lessons.getSelectionModel().selectedItemProperty().addListener((obs, old, sel) -> {
      if (sel != null) {
        open(sel.name(), false);
      }
    });

    BorderPane root = new BorderPane(split);
    root.setTop(menus());
    root.setStyle(fontSize.css());
    Scene scene = new Scene(root, 1280, 800);
    var css = KubewalkApp.class.getResource("kubewalk.css");
    if (css != null) {
      scene.getStylesheets().add(css.toExternalForm());
    }
    // Ctrl++ on keypads and keyboards where '+' is its own key, besides the menu's Ctrl+=.
    scene.getAccelerators().put(new KeyCodeCombination(KeyCode.ADD,
        KeyCombination.SHORTCUT_DOWN), () -> font(1));
    scene.getAccelerators().put(new KeyCodeCombination(KeyCode.PLUS,
        KeyCombination.SHORTCUT_DOWN), () -> font(1));
    scene.getAccelerators().put(new KeyCodeCombination(KeyCode.SUBTRACT,
        KeyCombination.SHORTCUT_DOWN), () -> font(-1));
    stage.setTitle("kubewalk");
    stage.setScene(scene);
    stage.show();
    lessons.getItems().stream().filter(l -> l.name().equals(initial)).findFirst()
        .ifPresentOrElse(l -> lessons.getSelectionModel().select(l),
            () -> open(initial, false));
    scheduleExit(stage);
  }

  private MenuBar menus() {
    MenuItem open = new MenuItem("Open scenario…");
    open.setId("menuOpen");
    open.setAccelerator(KeyCombination.keyCombination("Shortcut+O"));
    open.setOnAction(e -> chooseScenario());
    MenuItem export = new MenuItem("Export view as PNG…");
    export.setId("menuExport");
    export.setAccelerator(KeyCombination.keyCombination("Shortcut+E"));
    export.setOnAction(e -> chooseExport());
    MenuItem pcap = new MenuItem("Export trace as pcapng (Wireshark)…");
    pcap.setId("menuPcap");
    pcap.setOnAction(e -> choosePcap());
    MenuItem quit = new MenuItem("Quit");
    quit.setAccelerator(KeyCombination.keyCombination("Shortcut+Q"));
    quit.setOnAction(e -> Platform.exit());
    Menu file = new Menu("File", null, open, export, pcap, quit);
    MenuItem bigger = new MenuItem("Larger text");
    bigger.setId("menuBigger");
    bigger.setAccelerator(new KeyCodeCombination(KeyCode.EQUALS, KeyCombination.SHORTCUT_DOWN));
    bigger.setOnAction(e -> font(1));
    MenuItem smaller = new MenuItem("Smaller text");
    smaller.setId("menuSmaller");
    smaller.setAccelerator(new KeyCodeCombination(KeyCode.MINUS, KeyCombination.SHORTCUT_DOWN));
    smaller.setOnAction(e -> font(-1));
    MenuItem reset = new MenuItem("Reset text size");
    reset.setAccelerator(new KeyCodeCombination(KeyCode.DIGIT0, KeyCombination.SHORTCUT_DOWN));
    reset.setOnAction(e -> font(0));
    Menu view = new Menu("View", null, bigger, smaller, reset);
    MenuBar bar = new MenuBar(file, view);
    bar.setId("menuBar");
    return bar;
  }

  /** Steps the font size: +1 larger, -1 smaller, 0 back to the default. */
  void font(int direction) {
    if (direction > 0) {
      fontSize.bigger();
    } else if (direction < 0) {
      fontSize.smaller();
    } else {
      fontSize.reset();
    }
    stage.getScene().getRoot().setStyle(fontSize.css());
    tracePane.zoom(fontSize.zoom());
    apiPane.zoom(fontSize.zoom());
  }

  FontSizeModel fontSize() {
    return fontSize;
  }

  private void chooseScenario() {
    FileChooser fc = new FileChooser();
    fc.setTitle("Open a kubewalk scenario");
    fc.getExtensionFilters().addAll(
        new FileChooser.ExtensionFilter("Scenario YAML", "*.yaml", "*.yml"),
        new FileChooser.ExtensionFilter("All files", "*"));
    File f = fc.showOpenDialog(stage);
    if (f != null) {
      open(f.getAbsolutePath(), true);
    }
  }

  private void chooseExport() {
    FileChooser fc = new FileChooser();
    fc.setTitle("Export the current view as PNG");
    fc.getExtensionFilters().add(new FileChooser.ExtensionFilter("PNG image", "*.png"));
    fc.setInitialFileName(defaultExportName());
    File f = fc.showSaveDialog(stage);
    if (f != null) {
      try {
        Path p = exportPng(f.toPath());
        System.out.println("kubewalk: wrote " + p);
      } catch (IOException | RuntimeException ex) {
        Alert a = new Alert(Alert.AlertType.ERROR, "Cannot write " + f + ": " + ex.getMessage());
        a.setHeaderText("Export failed");
        a.show();
      }
    }
  }

  private void choosePcap() {
    FileChooser fc = new FileChooser();
    fc.setTitle("Export the current trace for Wireshark");
    fc.getExtensionFilters().add(new FileChooser.ExtensionFilter("pcapng capture", "*.pcapng"));
    fc.setInitialFileName(defaultExportName().replaceAll("\\.png$", ".pcapng"));
    File f = fc.showSaveDialog(stage);
    if (f != null) {
      try {
        System.out.println("kubewalk: wrote " + exportPcap(f.toPath()));
      } catch (IOException | RuntimeException ex) {
        Alert a = new Alert(Alert.AlertType.ERROR, "Cannot write " + f + ": " + ex.getMessage());
        a.setHeaderText("Export failed");
        a.show();
      }
    }
  }

  /**
   * Writes the current trace (with its reply, when shown) as pcapng, as {@code kubewalk trace
   * --pcap} does; returns the file.
   */
  Path exportPcap(Path file) throws IOException {
    TraceViewModel m = tracePane.model();
    if (m == null || m.trace() == null) {
      throw new IllegalStateException("there is no trace yet: run one in the Trace tab");
    }
    Files.write(file, io.kubewalk.sim.export.Pcap.bytes(m.trace(), m.simulation().dataplane()));
    return file;
  }

  String defaultExportName() {
    TabPane tabs = (TabPane) stage.getScene().lookup("#tabs");
    String tab = tabs == null ? "view" : tabs.getSelectionModel().getSelectedItem().getText()
        .toLowerCase(Locale.ROOT).replace(' ', '-');
    String name = Path.of(current.isEmpty() ? "kubewalk" : current).getFileName().toString()
        .replaceAll("\\.ya?ml$", "");
    return "kubewalk-" + name + "-" + tab + ".png";
  }

  /** Writes a snapshot of the whole window's content as a PNG; returns the file. */
  Path exportPng(Path file) throws IOException {
    Node root = stage.getScene().getRoot();
    WritableImage img = root.snapshot(null, null);
    int w = (int) img.getWidth();
    int h = (int) img.getHeight();
    int[] argb = new int[w * h];
    img.getPixelReader().getPixels(0, 0, w, h, PixelFormat.getIntArgbInstance(), argb, 0, w);
    Path target = file.toString().toLowerCase(Locale.ROOT).endsWith(".png") ? file
        : Path.of(file + ".png");
    Files.write(target, PngEncoder.encode(argb, w, h));
    return target;
  }

  /**
   * Loads a lesson or file off the FX thread. A file opened from the menu that fails keeps the
   * current scenario and lists its located problems in a dialog.
   */
  void open(String scenario, boolean fromFile) {
    busy.setVisible(true);
    Task<LessonBrowserModel.Page> task = new Task<>() {
      @Override
      protected LessonBrowserModel.Page call() {
        return model.open(scenario);
      }
    };
    task.setOnSucceeded(e -> {
      busy.setVisible(false);
      LessonBrowserModel.Page p = task.getValue();
      if (!p.ok() && fromFile) {
        lastFailure = p;
        problemsDialog(p);
        return;
      }
      current = scenario;
      title.setText(p.title());
      narrative.setText(p.narrative());
      overview.setText(p.overview());
      tracePane.show(p.simulation());
      terminalPane.show(p.simulation());
      apiPane.show(p.simulation());
      stage.setTitle(p.ok() ? "kubewalk - " + p.name() : "kubewalk");
    });
    task.setOnFailed(e -> {
      busy.setVisible(false);
      title.setText("Cannot load " + scenario);
      narrative.setText(String.valueOf(task.getException().getMessage()));
    });
    Thread t = new Thread(task, "kubewalk-load");
    t.setDaemon(true);
    t.start();
  }

  private void problemsDialog(LessonBrowserModel.Page p) {
    Alert a = new Alert(Alert.AlertType.ERROR);
    a.initOwner(stage);
    a.setTitle("kubewalk");
    a.setHeaderText(p.title() + ": " + p.problems().size() + " problem"
        + (p.problems().size() == 1 ? "" : "s"));
    TextArea list = new TextArea(String.join("\n", p.problems()));
    list.setId("problems");
    list.setEditable(false);
    list.getStyleClass().add("mono");
    list.setPrefRowCount(Math.min(12, p.problems().size() + 1));
    a.getDialogPane().setContent(list);
    a.setResizable(true);
    a.show();
  }

  /** The last scenario file that failed to open (for tests), or null. */
  LessonBrowserModel.Page lastFailure() {
    return lastFailure;
  }

  private static void scheduleExit(Stage stage) {
    String ms = System.getenv(EXIT_AFTER_ENV);
    if (ms == null || ms.isBlank()) {
      return;
    }
    Thread t = new Thread(() -> {
      try {
        Thread.sleep(Long.parseLong(ms.trim()));
      } catch (InterruptedException | NumberFormatException e) {
        Thread.currentThread().interrupt();
      }
      Platform.runLater(() -> {
        System.out.println("kubewalk: window shown: " + stage.getTitle() + " ("
            + (int) stage.getWidth() + "x" + (int) stage.getHeight() + ")");
        Platform.exit();
      });
    }, "kubewalk-exit");
    t.setDaemon(true);
    t.start();
  }
}
